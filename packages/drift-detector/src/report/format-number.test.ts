import { describe, expect, it } from "vitest";
import { formatCount, formatNumber, formatPercent, formatTimestamp } from "./format-number.js";

describe("number formatting", () => {
  it("groups counts by thousands", () => {
    expect(formatCount(1_234_567)).toBe("1,234,567");
  });

  it("keeps four significant digits in the readable range and trims trailing zeros", () => {
    expect(formatNumber(0.052345)).toBe("0.05235");
    expect(formatNumber(10.42)).toBe("10.42");
    expect(formatNumber(0.1)).toBe("0.1");
    expect(formatNumber(123456)).toBe("123456");
  });

  it("switches to exponent notation for very large and very small magnitudes", () => {
    expect(formatNumber(3.2e-12)).toBe("3.2e-12");
    expect(formatNumber(4_500_000_000)).toBe("4.5e9");
    expect(formatNumber(-0.00001234)).toBe("−1.234e-5");
  });

  it("names values that are not finite instead of printing NaN", () => {
    expect(formatNumber(Number.NaN)).toBe("n/a");
    expect(formatNumber(Number.POSITIVE_INFINITY)).toBe("∞");
    expect(formatNumber(0)).toBe("0");
  });

  it("keeps tiny shares visible and never rounds a partial share to 100%", () => {
    expect(formatPercent(0)).toBe("0%");
    expect(formatPercent(0.0004)).toBe("<0.1%");
    expect(formatPercent(0.025)).toBe("2.5%");
    expect(formatPercent(0.6364)).toBe("64%");
    expect(formatPercent(0.99999)).toBe(">99.9%");
    expect(formatPercent(1)).toBe("100%");
  });

  it("prints instants in UTC", () => {
    expect(formatTimestamp(new Date("2026-11-26T14:30:05.123+02:00"))).toBe("2026-11-26 12:30:05 UTC");
  });
});
