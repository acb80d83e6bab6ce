import { Loading } from "./bits.js";
import type { Me } from "./main.js";
import { AuditScreen } from "./audit.js";
import { BoardScreen, BoardsScreen } from "./board.js";
import { IssueScreen } from "./issue.js";
import { LogScreen } from "./log.js";
import { TrackRecordScreen } from "./track-record.js";
import { WarningScreen } from "./warning.js";

/** Every screen but the inbox, by its hash route. */
export function Screens({ route, me, onChanged }: { route: string[]; me: Me | undefined; onChanged: () => void }) {
  const [screen, arg] = route;
  if (screen === "audit") return <AuditScreen />;
  if (screen === "log") return <LogScreen />;
  if (!me) return <Loading what="your party" />;
  switch (screen) {
    case "warning":
      return <WarningScreen id={arg ?? ""} me={me} onChanged={onChanged} />;
    case "track":
      return <TrackRecordScreen party={arg} me={me} />;
    case "boards":
      return <BoardsScreen />;
    case "board":
      return <BoardScreen name={arg ?? ""} me={me} />;
    case "issue":
      return <IssueScreen me={me} onChanged={onChanged} />;
    default:
      return <p>There is no such screen. Go back to the <a href="#/">inbox</a>.</p>;
  }
}
