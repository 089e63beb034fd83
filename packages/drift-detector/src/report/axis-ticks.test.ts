import { describe, expect, it } from "vitest";
import { linearAxis, tickStep } from "./axis-ticks.js";

describe("axis ticks", () => {
  it("steps by 1, 2 or 5 times a power of ten", () => {
    expect(tickStep(0, 10, 5)).toBe(2);
    expect(tickStep(0, 1, 5)).toBe(0.2);
    expect(tickStep(0, 70, 5)).toBe(10);
  });

  it("keeps a histogram's exact domain and only the ticks inside it", () => {
    const axis = linearAxis(8.4, 14.9, 7, false);
    expect(axis.min).toBe(8.4);
    expect(axis.max).toBe(14.9);
    expect(axis.ticks).toEqual([9, 10, 11, 12, 13, 14]);
    expect(axis.labels).toEqual(["9", "10", "11", "12", "13", "14"]);
    expect(axis.scaleNote).toBe("");
  });

  it("extends a share axis to a round top", () => {
    const axis = linearAxis(0, 42.3, 5, true);
    expect(axis.max).toBe(50);
    expect(axis.ticks).toEqual([0, 10, 20, 30, 40, 50]);
  });

  it("gives decimals to fine steps without float noise", () => {
    const axis = linearAxis(0.99, 1.004, 7, false);
    expect(axis.labels).toEqual(["0.990", "0.992", "0.994", "0.996", "0.998", "1.000", "1.002", "1.004"]);
  });

  it("factors a common power of ten out of huge and tiny values", () => {
    const huge = linearAxis(2.7e9, 3.4e9, 7, false);
    expect(huge.scaleNote).toBe("×10⁹");
    expect(huge.labels[0]).toBe("2.7");
    const tiny = linearAxis(2.6e-7, 3.3e-7, 7, false);
    expect(tiny.scaleNote).toBe("×10⁻⁷");
    expect(tiny.labels.every((label) => label.length <= 4)).toBe(true);
  });

  it("widens the zero-width span of a constant column around its value", () => {
    const axis = linearAxis(5, 5, 7, false);
    expect(axis.min).toBeLessThan(5);
    expect(axis.max).toBeGreaterThan(5);
    expect(axis.ticks).toContain(5);
    const zero = linearAxis(0, 0, 7, false);
    expect(zero.ticks).toContain(0);
  });

  it("prints negative ticks with a minus sign", () => {
    expect(linearAxis(-3, 3, 6, false).labels[0]).toBe("−3");
  });
});
