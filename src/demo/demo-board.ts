/*
 * The demo's attribution board (shared/design/demo-scenario.md, step 5): who attacked Crocus City Hall
 * on 22 March 2024? Four hypotheses, weighed by two analysts of `analyst-desk` on evidence from the
 * public record. The events and statements are as reported; the credibility levels, ratings, source
 * groups' declared interests and comments are the demo's illustrative analysis, not a finding.
 *
 * The board is built the way a user builds one: a create, then edits (operations), each saved as a
 * signed version on the log. Expected (the tests hold the analysis to it): H1 ranks first; H2, H3 and H4
 * rest on assertions by interested parties or low-credibility statements and are flagged "asserted
 * without evidence".
 */

export const DEMO_BOARD_NAME = "crocus-attribution";

/** The analysts of `analyst-desk` who rate the matrix (names on the board, not parties). */
export const DEMO_ANALYSTS = ["analyst-1", "analyst-2"] as const;

type Json = Record<string, unknown>;

/** When the first version is saved (the day after the attack). */
export const DEMO_BOARD_CREATED = "2024-03-23T12:00:00.000Z";

/** The first version: the question, the hypotheses, the source groups and the first evidence. */
export function demoBoardCreate(ids: { owner: string; warning: string }): Json {
  return {
    name: DEMO_BOARD_NAME,
    title: "Crocus City Hall attack, 22 March 2024: who is responsible? (illustrative)",
    description:
      "ILLUSTRATIVE, reconstructed from press reports: the events and statements are as reported; the credibility levels, " +
      "ratings, declared interests and comments are the demo's invented analysis, not a finding.",
    tlp: "CLEAR",
    change: "created: hypotheses, source groups, first evidence",
    subject_refs: [ids.warning],
    owner_ref: ids.owner,
    editor_refs: [],
    hypotheses: [
      { id: "H1", title: "ISIS-K alone", description: "Islamic State Khorasan planned and carried out the attack without state help." },
      { id: "H2", title: "ISIS-K with Ukrainian facilitation", description: "ISIS-K carried it out; Ukrainian services helped (the escape route, \"a window was prepared\")." },
      { id: "H3", title: "Western/Ukrainian-directed operation using Islamist proxies", description: "Western or Ukrainian services directed the attack and used Islamist gunmen as proxies." },
      { id: "H4", title: "Russian services' false flag, or allowed to happen", description: "Russian services staged the attack, or knew and let it happen." },
    ],
    source_groups: [
      { id: "isis", name: "Islamic State / Amaq", interested_in: ["H1", "H2", "H3", "H4"], note: "Its attackers appear in every hypothesis; its claims serve its propaganda." },
      { id: "us-gov", name: "US government", interested_in: ["H3"], note: "H3 accuses Western services." },
      { id: "ru-officials", name: "Russian officials", interested_in: ["H2", "H3", "H4"], note: "Asserted H2 and H3; H4 accuses Russian services." },
      { id: "ua-officials", name: "Ukrainian officials", interested_in: ["H2", "H3", "H4"], note: "Accused under H2 and H3; asserted H4." },
      { id: "by-officials", name: "Belarusian officials", interested_in: [], note: "Russia's ally; its account here cut against the Russian one." },
    ],
    evidence: [
      {
        id: "E1",
        description: "Islamic State claims the attack through Amaq on the night of 22 March.",
        source: "Amaq News Agency",
        source_group: "isis",
        date: "2024-03-22",
        credibility: "medium",
        relevance: "high",
      },
      {
        id: "E2",
        description: "Amaq releases attacker body-camera video from inside the hall.",
        source: "Amaq News Agency (video)",
        source_group: "isis",
        date: "2024-03-23",
        credibility: "high",
        relevance: "high",
      },
      {
        id: "E3",
        description: "The United States warned Russia on 6 March that Crocus City Hall was a possible target (ISIS-K named) and issued a public alert on 7 March.",
        source: "Washington Post 2 Apr 2024; New York Times 3 Apr 2024; US Embassy Moscow alert",
        source_group: "us-gov",
        date: "2024-03-06",
        credibility: "medium",
        relevance: "high",
        link: { record_ref: ids.warning },
      },
      {
        id: "E4",
        description: "The suspects were arrested in Bryansk region, driving toward the Ukrainian border.",
        source: "FSB statement; Russian president's address of 23 March",
        source_group: "ru-officials",
        date: "2024-03-23",
        credibility: "medium",
        relevance: "medium",
      },
    ],
    ratings: [],
    comments: [],
  };
}

const rate = (analyst: string, evidence: string, cells: Record<string, string>): Json[] =>
  Object.entries(cells).map(([hypothesis, rating]) => ({ op: "rate", analyst, evidence, hypothesis, rating }));

/** The edits after the first version: each becomes one signed version, at its date. */
export function demoBoardEdits(): { at: string; change: string; operations: Json[] }[] {
  return [
    {
      at: "2024-03-27T10:00:00.000Z",
      change: "analyst-1 rates the first evidence; adds the 26 March statements and the Belarusian account",
      operations: [
        {
          op: "add_evidence",
          evidence: {
            id: "E5",
            description: "Russian security officials say Ukraine and Western services were behind the attack, citing \"general information\" and no underlying evidence.",
            source: "TASS and others",
            source_group: "ru-officials",
            date: "2024-03-26",
            credibility: "low",
            relevance: "medium",
          },
        },
        {
          op: "add_evidence",
          evidence: {
            id: "E6",
            description: "The Belarusian president says the attackers first tried to enter Belarus and turned away at its checkpoints.",
            source: "Belarusian state media (BelTA)",
            source_group: "by-officials",
            date: "2024-03-26",
            credibility: "medium",
            relevance: "medium",
          },
        },
        ...rate("analyst-1", "E1", { H1: "CC", H2: "C", H3: "C", H4: "N" }),
        ...rate("analyst-1", "E2", { H1: "CC", H2: "C", H3: "N", H4: "I" }),
        ...rate("analyst-1", "E3", { H1: "CC", H2: "N", H3: "II", H4: "N" }),
        ...rate("analyst-1", "E4", { H1: "N", H2: "C", H3: "C", H4: "N" }),
        ...rate("analyst-1", "E5", { H1: "I", H2: "C", H3: "CC", H4: "I" }),
        ...rate("analyst-1", "E6", { H1: "N", H2: "I", H3: "I", H4: "N" }),
        { op: "comment", analyst: "analyst-1", evidence: "E3", hypothesis: "H4", text: "Being warned shows knowledge, not intent: N for H4." },
      ],
    },
    {
      at: "2024-04-02T10:00:00.000Z",
      change: "analyst-2 rates the matrix; adds Ukraine's denial",
      operations: [
        {
          op: "add_evidence",
          evidence: {
            id: "E7",
            description: "Ukraine denies involvement; its military intelligence calls the attack a provocation by Russian services.",
            source: "Ukrainian MFA and military intelligence (HUR) statements",
            source_group: "ua-officials",
            date: "2024-03-23",
            credibility: "low",
            relevance: "medium",
          },
        },
        ...rate("analyst-1", "E7", { H1: "N", H2: "I", H3: "I", H4: "C" }),
        ...rate("analyst-2", "E1", { H1: "CC", H2: "C", H3: "N", H4: "N" }),
        ...rate("analyst-2", "E2", { H1: "CC", H2: "C", H3: "N", H4: "N" }),
        ...rate("analyst-2", "E3", { H1: "C", H2: "N", H3: "II", H4: "N" }),
        ...rate("analyst-2", "E4", { H1: "N", H2: "C", H3: "C", H4: "N" }),
        ...rate("analyst-2", "E5", { H1: "I", H2: "C", H3: "CC", H4: "I" }),
        ...rate("analyst-2", "E6", { H1: "N", H2: "I", H3: "I", H4: "N" }),
        ...rate("analyst-2", "E7", { H1: "N", H2: "I", H3: "I", H4: "C" }),
        { op: "comment", analyst: "analyst-2", evidence: "E2", hypothesis: "H4", text: "The video fits \"allowed to happen\" as well as ISIS-K alone: N, not I." },
        { op: "comment", analyst: "analyst-2", text: "No item from a source without a stake supports H2, H3 or H4." },
      ],
    },
  ];
}
