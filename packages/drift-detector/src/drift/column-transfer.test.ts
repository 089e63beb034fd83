import { describe, expect, it } from "vitest";
import { NumberColumn } from "../csv/number-column.js";
import { errorFromMessage, errorToMessage, taskFromMessage, taskToMessage } from "./column-transfer.js";
import type { ColumnTask } from "./compare-column.js";
import { DriftOptionsError } from "./options-error.js";

describe("column tasks across threads", () => {
  it("carry both sides whole, the large number chunks listed for transfer, the small ones copied", () => {
    const numbers = new NumberColumn();
    for (let i = 0; i < 100_000; i++) numbers.addDecimal(i % 977, 2, false);
    const task: ColumnTask = {
      column: "pH",
      reference: { file: "ref.csv", rows: 100_000, values: { kind: "numbers", numbers, integerOnly: false, missing: 3 } },
      current: {
        file: "cur.parquet",
        rows: 7,
        values: { kind: "labels", counts: new Map([["a", 2]]), missing: 5 },
        untestable: "why",
      },
    };
    const expected = [...numbers.values()];
    const transfer: ArrayBuffer[] = [];
    const message = structuredClone(taskToMessage(task, transfer));
    expect(transfer.length).toBeGreaterThan(0);
    const back = taskFromMessage(message);
    expect(back.current).toEqual(task.current);
    expect(back.reference.values.kind === "numbers" && [...back.reference.values.numbers.values()]).toEqual(expected);
    expect(back.reference).toMatchObject({ file: "ref.csv", rows: 100_000, values: { integerOnly: false, missing: 3 } });
  });

  it("bring errors back: option errors as themselves, anything else as a failure of the thread", () => {
    const options = errorFromMessage(structuredClone(errorToMessage(new DriftOptionsError("ks cannot test a category"))));
    expect(options).toBeInstanceOf(DriftOptionsError);
    expect(options.message).toBe("ks cannot test a category");
    expect(errorFromMessage(errorToMessage(new RangeError("boom"))).message).toMatch(
      /^comparing a column failed on its thread: RangeError: boom/,
    );
    expect(errorFromMessage(errorToMessage("odd")).message).toBe("comparing a column failed on its thread: odd");
  });
});
