import type { Clock } from "../core/clock.js";

export const systemClock: Clock = { now: () => Date.now() };
