import { parseArgs, type ParseArgsConfig } from "node:util";
import { UsageError } from "./cli-errors.js";

/*
 * Every command declares its options once, with their help text; the same declaration parses the
 * command line (node:util.parseArgs, strict) and prints `--help`. Commands receive typed values.
 */

/** An option taking one value (`--data DIR`); `env` is read when the option is absent, then `default`. */
export interface ValueOption {
  readonly type: "string";
  /** The value's placeholder in help and usage lines (`DIR`, `URL`, `N`). */
  readonly value: string;
  readonly help: string;
  readonly env?: string;
  readonly default?: string;
  readonly required?: boolean;
  readonly multiple?: false;
}

/** An option that may be repeated (`--community NAME`…); its value is the list, empty when absent. */
export interface ListOption {
  readonly type: "string";
  readonly value: string;
  readonly help: string;
  readonly multiple: true;
}

/** A switch (`--json`): false unless given. */
export interface FlagOption {
  readonly type: "boolean";
  readonly help: string;
}

export type OptionSpec = ValueOption | ListOption | FlagOption;
export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

type ValueOf<S extends OptionSpec> = S extends FlagOption
  ? boolean
  : S extends ListOption
    ? string[]
    : S extends { readonly default: string } | { readonly required: true }
      ? string
      : string | undefined;

export type OptionValues<O extends OptionSpecs> = { -readonly [K in keyof O]: ValueOf<O[K]> };

export interface CommandSpec<O extends OptionSpecs> {
  /** As typed after `tocsin`: `serve`, `party create`. */
  readonly name: string;
  /** One line for `tocsin --help`. */
  readonly summary: string;
  /** The positional arguments as the usage line shows them (`SLUG`, `FILE`); absent: none accepted. */
  readonly positionals?: string;
  /** Paragraphs printed under the usage line by `--help`. */
  readonly description?: string;
  readonly options: O;
}

export type Out = (s: string) => void;

/** A command as main dispatches it. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly spec: CommandSpec<OptionSpecs>;
  help(): string;
  run(argv: string[], out: Out): Promise<number>;
}

/** Declares a command: its spec (options, help) and what it does with the parsed, typed arguments. */
export function defineCommand<const O extends OptionSpecs>(
  spec: CommandSpec<O>,
  action: (args: { values: OptionValues<O>; positionals: string[] }, out: Out) => number | Promise<number>,
): Command {
  return {
    name: spec.name,
    summary: spec.summary,
    spec,
    help: () => helpText(spec),
    async run(argv, out) {
      if (wantsHelp(argv)) {
        out(helpText(spec));
        return 0;
      }
      return action(parseCommandLine(spec, argv), out);
    },
  };
}

/** `--help` or `-h` anywhere before a `--`. */
function wantsHelp(argv: readonly string[]): boolean {
  for (const a of argv) {
    if (a === "--") return false;
    if (a === "--help" || a === "-h") return true;
  }
  return false;
}

/** Parses `argv` against the spec; a malformed line is a UsageError that names the command. */
export function parseCommandLine<O extends OptionSpecs>(spec: CommandSpec<O>, argv: string[]): { values: OptionValues<O>; positionals: string[] } {
  const options: NonNullable<ParseArgsConfig["options"]> = {};
  for (const [name, o] of Object.entries(spec.options)) options[name] = o.type === "boolean" ? { type: "boolean" } : { type: "string", multiple: o.multiple === true };
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: spec.positionals !== undefined });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/\. To specify a positional argument.*$/s, ""));
  }
  const values: Record<string, unknown> = {};
  for (const [name, o] of Object.entries(spec.options)) {
    const given = parsed.values[name];
    if (o.type === "boolean") values[name] = given === true;
    else if (o.multiple === true) values[name] = given ?? [];
    else {
      const fromEnv = o.env !== undefined ? process.env[o.env] || undefined : undefined;
      const v = given ?? fromEnv ?? o.default;
      if (v === undefined && o.required) throw new UsageError(`--${name} ${o.value} is required`);
      values[name] = v;
    }
  }
  return { values: values as OptionValues<O>, positionals: parsed.positionals };
}

/** The `--help` text: usage line, description, then one line per option (value, help, env, default). */
export function helpText(spec: CommandSpec<OptionSpecs>): string {
  const required = Object.entries(spec.options)
    .filter(([, o]) => o.type === "string" && o.multiple !== true && o.required)
    .map(([n, o]) => `--${n} ${(o as ValueOption).value}`);
  const usage = ["usage: tocsin", spec.name, spec.positionals, ...required, "[options]"].filter(Boolean).join(" ");
  const rows: [string, string][] = Object.entries(spec.options).map(([n, o]) => {
    const flag = o.type === "boolean" ? `--${n}` : `--${n} ${o.value}${o.multiple ? " …" : ""}`;
    const notes: string[] = [];
    if (o.type === "string" && o.multiple !== true) {
      if (o.required) notes.push("required");
      if (o.env !== undefined) notes.push(`env ${o.env}`);
      if (o.default !== undefined) notes.push(`default ${o.default}`);
    }
    if (o.type === "string" && o.multiple) notes.push("repeatable");
    return [flag, o.help + (notes.length ? ` (${notes.join("; ")})` : "")];
  });
  rows.push(["-h, --help", "print this help and exit"]);
  const width = Math.min(28, Math.max(...rows.map(([f]) => f.length)) + 2);
  const lines = [usage, "", ...wrap(spec.summary, HELP_WIDTH)];
  if (spec.description) lines.push("", ...wrap(spec.description, HELP_WIDTH));
  lines.push("", "options:");
  const indent = " ".repeat(2 + width);
  for (const [f, h] of rows) {
    const text = wrap(h, HELP_WIDTH - indent.length);
    const first = f.length + 2 > width ? `  ${f}\n${indent}${text[0]}` : `  ${f.padEnd(width)}${text[0]}`;
    lines.push(first, ...text.slice(1).map((l) => indent + l));
  }
  return lines.join("\n") + "\n";
}

/** Help lines stay within a 100-column terminal. */
const HELP_WIDTH = 100;

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  return [...lines, line];
}
