// The agreement the issue asks for: within 1e-9 absolute AND 1e-6 relative of scipy; records the worst errors seen.
import { expect } from "vitest";

const ABSOLUTE_TOLERANCE = 1e-9;
const RELATIVE_TOLERANCE = 1e-6;

export interface ErrorTracker {
  maxAbsolute: number;
  maxRelative: number;
  compared: number;
}

export const newTracker = (): ErrorTracker => ({ maxAbsolute: 0, maxRelative: 0, compared: 0 });

/** Asserts agreement; the relative error of an expected 0 counts as 0 only when the actual value is 0 too. */
export function expectAgrees(actual: number, expected: number, label: string, tracker: ErrorTracker): void {
  const absolute = Math.abs(actual - expected);
  const relative = expected === 0 ? (actual === 0 ? 0 : Number.POSITIVE_INFINITY) : absolute / Math.abs(expected);
  tracker.maxAbsolute = Math.max(tracker.maxAbsolute, absolute);
  tracker.maxRelative = Math.max(tracker.maxRelative, relative);
  tracker.compared++;
  expect(
    absolute <= ABSOLUTE_TOLERANCE && relative <= RELATIVE_TOLERANCE,
    `${label}: got ${actual}, scipy ${expected} (abs ${absolute.toExponential(2)}, rel ${relative.toExponential(2)})`,
  ).toBe(true);
}

export function summary(name: string, tracker: ErrorTracker): string {
  return `${name}: ${tracker.compared} values vs scipy, max abs error ${tracker.maxAbsolute.toExponential(2)}, max rel error ${tracker.maxRelative.toExponential(2)}`;
}
