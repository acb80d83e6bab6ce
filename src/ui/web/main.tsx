import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ApiError, session } from "./api.js";
import { messageOf } from "./bits.js";
import { Inbox, loadInbox, type InboxAnswer } from "./inbox.js";
import { followNode } from "./live.js";
import { Screens } from "./screens.js";

/** The signed-in party, as the inbox names it. */
export interface Me {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  readonly custodial: boolean;
}

/** The hash route (`#/warning/<id>`…): the page never asks the node for another URL than `/`. */
function useRoute(): string[] {
  const read = (): string[] => location.hash.replace(/^#\/?/, "").split("/").filter(Boolean).map(decodeURIComponent);
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const on = (): void => setRoute(read());
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  return route;
}

/** A sign-in link (`#token=…`, printed by `tocsin serve --demo`): taken once, then removed from the address bar. */
function takeLinkToken(): void {
  const m = /^#token=([^&]+)/.exec(location.hash);
  if (!m) return;
  session.signIn(decodeURIComponent(m[1]!));
  history.replaceState(null, "", `${location.pathname}#/`);
}

function SignIn({ error, onSignedIn }: { error: string | undefined; onSignedIn: () => void }) {
  const [token, setToken] = useState("");
  return (
    <main id="main" class="signin">
      <h1>Sign in to Tocsin</h1>
      <p>Paste your party's API token (the node's operator gave it to you; `tocsin serve --demo` prints the demo parties' tokens). It is kept in this tab only.</p>
      {error ? (
        <p class="problem" role="alert">
          {error}
        </p>
      ) : null}
      <form
        class="form"
        onSubmit={(e) => {
          e.preventDefault();
          if (token.trim() === "") return;
          session.signIn(token);
          onSignedIn();
        }}
      >
        <label for="token">API token</label>
        <input id="token" type="password" autocomplete="off" value={token} onInput={(e) => setToken((e.currentTarget as HTMLInputElement).value)} />
        <button type="submit">Sign in</button>
      </form>
      <p>
        Or <a href="#/audit">audit a bundle file</a> without signing in (it works offline).
      </p>
    </main>
  );
}

const NAV: readonly [string, string][] = [
  ["", "Inbox"],
  ["issue", "Issue a warning"],
  ["track", "Track records"],
  ["boards", "Boards"],
  ["log", "Log"],
  ["audit", "Audit"],
];

function App() {
  const route = useRoute();
  const [signedIn, setSignedIn] = useState(session.token() !== null);
  const [inbox, setInbox] = useState<InboxAnswer>();
  const [error, setError] = useState<string>();
  const [fresh, setFresh] = useState(0);
  const refresh = (): void => {
    loadInbox().then(
      (a) => {
        setInbox(a);
        setError(undefined);
        setFresh(Date.now());
      },
      (e: unknown) => {
        if (e instanceof ApiError && (e.code === "AUTH_INVALID" || e.code === "AUTH_REQUIRED")) {
          session.signOut();
          setSignedIn(false);
          setInbox(undefined);
        }
        setError(messageOf(e));
      },
    );
  };
  useEffect(() => {
    if (!signedIn) return;
    refresh();
    // Live: the node's event stream, or polling where the node has none.
    return followNode(() => refresh());
  }, [signedIn]);

  const screen = route[0] ?? "";
  if (!signedIn && screen !== "audit") return <SignIn error={error} onSignedIn={() => setSignedIn(true)} />;
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById("main")?.focus())}>
        Skip to content
      </a>
      <header class="top">
        <span class="brand">Tocsin</span>
        <nav aria-label="Screens">
          <ul>
            {NAV.map(([path, label]) => (
              <li key={path}>
                <a href={`#/${path}`} aria-current={screen === path ? "page" : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        {signedIn ? (
          <span class="who">
            {inbox ? <span title={inbox.me.id}>{inbox.me.name}</span> : null}{" "}
            <button
              type="button"
              class="link"
              onClick={() => {
                session.signOut();
                setSignedIn(false);
                setInbox(undefined);
              }}
            >
              Sign out
            </button>
          </span>
        ) : null}
      </header>
      <main id="main" tabIndex={-1}>
        {screen === "" ? <Inbox inbox={inbox} error={error} fresh={fresh} /> : <Screens route={route} me={inbox?.me} onChanged={refresh} />}
      </main>
    </>
  );
}

takeLinkToken();
const root = document.getElementById("app")!;
// The page's "Loading…" line is static HTML, not Preact's: clear it before rendering.
root.textContent = "";
render(<App />, root);
