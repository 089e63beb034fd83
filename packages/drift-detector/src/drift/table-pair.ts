import type { ColumnValues } from "../csv/column-accumulator.js";
import { CsvLimitError, type CsvLimits } from "../csv/limits.js";
import { NumberColumn, type NumberColumnState } from "../csv/number-column.js";
import type { CsvTable } from "../csv/read-csv.js";
import type { CollectGarbage } from "./collect-garbage.js";
import type { ColumnSide, ColumnTask } from "./compare-column.js";
import type { DatasetSide, ScratchSpace } from "./read-dataset.js";

/** The two tables of a run, and the numbers of their columns spilled to the scratch space while they were read. */
export class TablePair {
  constructor(
    readonly reference: CsvTable,
    readonly current: CsvTable,
    private readonly scratch: ScratchSpace | undefined,
    private readonly limits: CsvLimits,
    private readonly collectGarbage: CollectGarbage,
  ) {}

  /** One column of both files, whole again: its spilled parts read back in order, then what stayed in memory. */
  task(column: string): ColumnTask {
    return { column, reference: this.side("reference", column), current: this.side("current", column) };
  }

  private side(side: DatasetSide, column: string): ColumnSide {
    const table = side === "reference" ? this.reference : this.current;
    const untestable = table.untestable?.get(column);
    const held = table.columns.get(column) as ColumnValues;
    let values = held;
    if (this.scratch?.holdsNumbers(side, column)) {
      values = this.joined(held, this.scratch.readNumbers(side, column), table.file, column);
      this.collectGarbage();
    }
    return { file: table.file, rows: table.rows, values, ...(untestable !== undefined && { untestable }) };
  }

  private joined(held: ColumnValues, spilled: Iterable<NumberColumnState>, file: string, column: string): ColumnValues {
    // Numbers are only ever sorted: their parts are merged one at a time, each let go once counted in.
    if (held.kind === "numbers") return { ...held, numbers: NumberColumn.merged(spilledThen(spilled, held.numbers.state())) };
    // The column turned to labels after some of its numbers were spilled: those come first, as when the reader
    // turned the numbers it held into labels, so the labels keep the order of their first appearance.
    const counts = new Map<string, number>();
    for (const value of NumberColumn.fromStates([...spilled]).values()) {
      const label = String(value);
      counts.set(label, (counts.get(label) ?? 0) + 1);
    }
    for (const [label, count] of held.counts) counts.set(label, (counts.get(label) ?? 0) + count);
    if (counts.size > this.limits.distinctLabels.value) {
      throw new CsvLimitError(file, "distinctLabels", this.limits.distinctLabels, "too many distinct labels", { column });
    }
    return { kind: "labels", counts, missing: held.missing };
  }
}

function* spilledThen(spilled: Iterable<NumberColumnState>, held: NumberColumnState): Generator<NumberColumnState> {
  yield* spilled;
  yield held;
}
