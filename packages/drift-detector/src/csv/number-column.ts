// The sorted shapes alone, not the statistics' index: a reading thread then loads no test it never runs.
import type { SortWorkspace } from "../stats/sort-workspace.js";
import { CountedNumbers, markSortedFinite, type NumberSample, sortInPlace } from "../stats/sorted.js";
import { ChunkList } from "./chunk-list.js";

const INT32_MAX = 2 ** 31 - 1;
/** Scales up to 10^9 keep the divisor exact and leave room for values in int32. */
const MAX_SCALE = 9;
const POWERS_OF_TEN = Float64Array.from({ length: 23 }, (_, k) => 10 ** k);
const newInt32Array = (length: number) => new Int32Array(length);
/** Counters of a counting sort, at most (32 MiB): a wider span of values is radix-sorted. */
const COUNTING_SORT_MAX_SPAN = 1 << 23;
const newFloat64Array = (length: number) => new Float64Array(length);
/** Where `addNumbers` gathers mantissas before appending them in one copy (256 KiB, reused by every column). */
const MANTISSA_BATCH = new Int32Array(1 << 16);
const NO_COUNTS = new Uint32Array(0);

export type NumberColumnState =
  | { storage: "int32"; chunks: Int32Array[]; scale: number; min: number; max: number }
  | { storage: "float64"; chunks: Float64Array[] }
  | CountedState;

/** Scaled integers as a count per value from `min` up (a column of few distinct values; see `compact()`). */
type CountedState = { storage: "counts"; counts: Uint32Array; scale: number; min: number; count: number };
/** Scaled integers counted while reading: a count per value from `min` up. */
type Tally = { counts: Uint32Array; min: number; count: number };

/** The typed arrays a state holds (to transfer them to another thread, or write them to disk). */
export function stateArrays(state: NumberColumnState): Array<Int32Array | Float64Array | Uint32Array> {
  return state.storage === "counts" ? [state.counts] : state.chunks;
}

/**
 * The numbers of one column, stored compactly while the file streams by and turned into a sorted Float64Array
 * only when a test needs it (`sorted()`), so a table of millions of rows stays small.
 *
 * Plain decimals ("3.2071") are kept as int32 at a common decimal scale: 4 bytes instead of 8. `m / 10^scale` gives
 * back exactly the double `Number()` reads from the text: both are the correctly rounded value of the same rational,
 * as m < 2^31 and 10^scale ≤ 10^22 are exact doubles (Clinger 1990, "How to read floating point numbers
 * accurately"). The first value that does not fit (more than 9 decimals, |m| ≥ 2^31, an exponent) turns the
 * column into plain doubles. The one loss: "-0" reads as 0, which no test can tell apart.
 *
 * A finished column of scaled integers whose range is no wider than its count is compacted to one counter per value
 * in that range (`compact()`): the wine-like benchmark's columns shrink from 4 MiB to a few hundred KiB a million
 * rows, and are sorted by one pass over the counters. Their order is then ascending, no longer the file's.
 *
 * Values that come counted (a Parquet dictionary's entries and how often each occurs, `addCounted`) or in batches
 * (`addNumbers`) are counted while reading into such a tally, never held one by one, as long as its range stays no
 * wider than the values it counts; values outside it wait in the chunks until `compact()` joins the two.
 */
export class NumberColumn {
  /** Scaled integers one by one (undefined once the column holds doubles); beside `tally`, if any, at its scale. */
  private scaled: ChunkList<Int32Array> | undefined = new ChunkList(newInt32Array);
  private scale = 0;
  /** The smallest and largest scaled integer held, in the tally or the chunks. */
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;
  private doubles: ChunkList<Float64Array> | undefined;
  private tally: Tally | undefined;

  /** A column from the state another thread read (see `state()`). */
  static fromState(state: NumberColumnState): NumberColumn {
    const column = new NumberColumn();
    if (state.storage === "counts") {
      column.tally = { counts: state.counts, min: state.min, count: state.count };
      column.scale = state.scale;
      column.min = state.min;
      column.max = state.min + state.counts.length - 1;
    } else if (state.storage === "int32") {
      column.scaled = new ChunkList(newInt32Array, state.chunks);
      column.scale = state.scale;
      column.min = state.min;
      column.max = state.max;
    } else {
      column.scaled = undefined;
      column.doubles = new ChunkList(newFloat64Array, state.chunks);
    }
    return column;
  }

  /**
   * Everything the column holds, as structured-cloneable data whose chunks can be transferred to another thread. A
   * tally with values beside it is first joined with them (`compact()`): a state is one storage.
   */
  state(): NumberColumnState {
    if (this.tally && (this.scaled as ChunkList<Int32Array>).length > 0) this.compact();
    if (this.tally) {
      const { counts, min, count } = this.tally;
      return { storage: "counts", counts, scale: this.scale, min, count };
    }
    if (this.scaled) {
      return { storage: "int32", chunks: [...this.scaled.chunks()], scale: this.scale, min: this.min, max: this.max };
    }
    return { storage: "float64", chunks: [...(this.doubles as ChunkList<Float64Array>).chunks()] };
  }

  /**
   * A column of the values of several states, in order: the parts of one column spilled to disk one after the other,
   * then what stayed in memory. Integer parts at one scale stay integers, counted straight into one tally when their
   * joint range is no wider than their count (no concatenated copy); parts at different scales or storages all
   * become doubles, each divided by its own scale, which gives exactly the doubles one column would have held.
   */
  static fromStates(states: readonly NumberColumnState[]): NumberColumn {
    const first = states[0];
    if (states.length === 1 && first) return NumberColumn.fromState(first);
    const scales = new Set(states.map((state) => (state.storage === "float64" ? -1 : state.scale)));
    const [scale] = scales;
    if (scales.size === 1 && scale !== undefined && scale >= 0) {
      const parts = states as Array<Exclude<NumberColumnState, { storage: "float64" }>>;
      const min = Math.min(...parts.map((part) => part.min));
      const max = Math.max(...parts.map((part) => (part.storage === "counts" ? part.min + part.counts.length - 1 : part.max)));
      const count = parts.reduce((total, part) => total + countOf(part), 0);
      if (count > 0 && max - min + 1 <= Math.min(count, COUNTING_SORT_MAX_SPAN)) {
        const counts = new Uint32Array(max - min + 1);
        for (const part of parts) tallyInto(counts, min, part);
        return NumberColumn.fromState({ storage: "counts", counts, scale, min, count });
      }
      const chunks = parts.flatMap((part) => (part.storage === "counts" ? [expanded(part)] : part.chunks));
      return NumberColumn.fromState({ storage: "int32", chunks, scale, min, max });
    }
    const chunks = states.flatMap((state) => {
      if (state.storage === "float64") return state.chunks;
      const divisor = POWERS_OF_TEN[state.scale] as number;
      const scaled = state.storage === "counts" ? [expanded(state)] : state.chunks;
      return scaled.map((chunk) => Float64Array.from(chunk, (value) => value / divisor));
    });
    return NumberColumn.fromState({ storage: "float64", chunks });
  }

  /**
   * The values of several parts in no particular order (a column about to be sorted), taken one part at a time so
   * that a part can be let go once counted: scaled integers at the first such part's scale are counted into one
   * tally (growing to their range, up to COUNTING_SORT_MAX_SPAN), and any other part is kept as it is and joined
   * after (as `fromStates` joins, so the sorted values are those of every part).
   */
  static merged(parts: Iterable<NumberColumnState>): NumberColumn {
    let tally: CountedState | undefined;
    const others: NumberColumnState[] = [];
    for (const part of parts) {
      const count = countOf(part);
      if (count === 0) continue;
      if (part.storage === "float64" || (tally && part.scale !== tally.scale)) {
        others.push(part);
        continue;
      }
      const min = Math.min(part.min, tally?.min ?? part.min);
      const partMax = part.storage === "counts" ? part.min + part.counts.length - 1 : part.max;
      const max = Math.max(partMax, tally ? tally.min + tally.counts.length - 1 : partMax);
      if (max - min + 1 > COUNTING_SORT_MAX_SPAN) {
        others.push(part);
        continue;
      }
      if (!tally || min < tally.min || max - min + 1 > tally.counts.length) {
        const counts = new Uint32Array(max - min + 1);
        if (tally) counts.set(tally.counts, tally.min - min);
        tally = { storage: "counts", counts, scale: part.scale, min, count: tally?.count ?? 0 };
      }
      tallyInto(tally.counts, tally.min, part);
      tally.count += count;
    }
    if (!tally) return NumberColumn.fromStates(others.length > 0 ? others : [new NumberColumn().state()]);
    return others.length === 0 ? NumberColumn.fromState(tally) : NumberColumn.fromStates([tally, ...others]);
  }

  /**
   * Once every value is read: scaled integers whose range is no wider than their count become a count per value
   * (fewer bytes, and sorted by one pass), joined with the tally counted while reading, if any. Where they are too
   * wide, a tally's values rejoin the chunks instead: either way the column ends in one storage. Values added later
   * go to the chunks beside the tally.
   */
  compact(): void {
    const scaled = this.scaled;
    const tally = this.tally;
    const count = this.count;
    if (!scaled || count === 0 || (tally && scaled.length === 0)) return;
    const span = this.max - this.min + 1;
    if (span <= Math.min(count, COUNTING_SORT_MAX_SPAN)) {
      let counts = tally?.counts;
      if (!tally || tally.min !== this.min || tally.counts.length !== span) {
        counts = new Uint32Array(span);
        if (tally) counts.set(tally.counts, tally.min - this.min);
      }
      tallyInto(counts as Uint32Array, this.min, { storage: "int32", chunks: scaled.chunks() });
      this.tally = { counts: counts as Uint32Array, min: this.min, count };
      this.scaled = new ChunkList(newInt32Array);
    } else if (tally) {
      scaled.pushAll(expanded(tally));
      this.tally = undefined;
    }
  }

  /**
   * Hands over every value held so far and starts again empty, at the same scale and storage, so values read
   * afterwards are stored as they would have been: the part to spill to disk.
   */
  drain(): NumberColumnState {
    const state = this.state();
    if (this.scaled) {
      this.tally = undefined;
      this.scaled = new ChunkList(newInt32Array);
      this.min = Number.POSITIVE_INFINITY;
      this.max = Number.NEGATIVE_INFINITY;
    } else {
      this.doubles = new ChunkList(newFloat64Array);
    }
    return state;
  }

  /** Bytes the values take in memory: the tally's counters, and 4 or 8 bytes a value held one by one. */
  get byteLength(): number {
    const tallyBytes = this.tally?.counts.byteLength ?? 0;
    return tallyBytes + (this.scaled ? this.scaled.length * 4 : (this.doubles as ChunkList<Float64Array>).length * 8);
  }

  /**
   * How the values are held: scaled int32 (4 bytes each, some perhaps counted beside them), doubles (8 bytes each)
   * or counts only.
   */
  get storage(): NumberColumnState["storage"] {
    if (!this.scaled) return "float64";
    return this.tally && this.scaled.length === 0 ? "counts" : "int32";
  }

  get count(): number {
    return (this.tally?.count ?? 0) + (this.scaled ?? (this.doubles as ChunkList<Float64Array>)).length;
  }

  /** ±mantissa / 10^fractionDigits, from a cell that is a plain decimal of at most 15 digits. */
  addDecimal(mantissa: number, fractionDigits: number, negative: boolean): void {
    if (this.scaled && fractionDigits > this.scale) this.rescale(fractionDigits);
    const scaled = this.scaled;
    if (scaled) {
      const magnitude = mantissa * (POWERS_OF_TEN[this.scale - fractionDigits] as number);
      if (magnitude <= INT32_MAX) {
        const value = negative ? -magnitude : magnitude;
        scaled.push(value);
        if (value < this.min) this.min = value;
        if (value > this.max) this.max = value;
        return;
      }
      this.toDoubles();
    }
    const value = mantissa / (POWERS_OF_TEN[fractionDigits] as number);
    this.doubles?.push(negative ? -value : value);
  }

  /**
   * A finite double read as a number (a Parquet value): kept as a scaled integer when one at a scale up to 10^9
   * gives back exactly this double (m / 10^scale === value, the same double a CSV reader gets from the text with
   * those decimals), else as a double. The column's current scale is tried first, so a column of short decimals
   * costs one multiplication and one division a value. As for a CSV's "-0", -0 stays -0 only among doubles.
   */
  addNumber(value: number): void {
    const scale = this.scaled ? scaleOf(value, this.scale) : -1;
    if (scale < 0) {
      this.addDouble(value);
      return;
    }
    const mantissa = Math.round(value * (POWERS_OF_TEN[scale] as number));
    this.addDecimal(Math.abs(mantissa), scale, mantissa < 0);
  }

  /**
   * `addNumber` for every finite value of `values`; answers how many were not finite (NaN, ±infinity), which are
   * left out. The common case, a value at the column's scale, is handled in the loop itself, and counted into the
   * tally (see `store`).
   */
  addNumbers(values: Float64Array): number {
    let skipped = 0;
    let i = 0;
    while (i < values.length) {
      const scaled = this.scaled;
      if (scaled) i = this.addScaledRun(scaled, values, i);
      // A value at a finer scale, too large, not finite, or the column holds doubles: one at a time.
      for (; i < values.length; i++) {
        const value = values[i] as number;
        if (!Number.isFinite(value)) skipped++;
        else this.addNumber(value);
        if (this.scaled) {
          i++;
          break;
        }
      }
    }
    return skipped;
  }

  /**
   * The values from `start` on at the column's scale, up to the first that is not (whose index is answered): those
   * in the tally's range counted at once, the others gathered in batches of mantissas and stored (`store`).
   */
  private addScaledRun(scaled: ChunkList<Int32Array>, values: Float64Array, start: number): number {
    const divisor = POWERS_OF_TEN[this.scale] as number;
    let i = start;
    // A batch ends with its mantissas full, at the end, or at a value that does not fit the scale.
    for (let batchFull = true; batchFull && i < values.length; ) {
      const tally = this.tally;
      const first = i;
      i = countScaledRun(values, i, divisor, tally ? tally.counts : NO_COUNTS, tally ? tally.min : 0);
      const taken = RUN_FOUND[0] as number;
      if (tally) tally.count += i - first - taken;
      if (taken > 0) this.store(scaled, MANTISSA_BATCH.subarray(0, taken), RUN_FOUND[1] as number, RUN_FOUND[2] as number);
      batchFull = taken === MANTISSA_BATCH.length;
    }
    return i;
  }

  /**
   * Values that come counted: `counts[k]` times `values[k]` (a Parquet dictionary and how often each entry occurs);
   * answers how many were not finite, which are left out. Stored as `addNumber` would store them one by one: each
   * distinct value is turned into a scaled integer once, at the finest scale any of them needs, and its count
   * added to the tally (or, where the tally would grow too wide, repeated into the chunks); if one of them fits no
   * scale, the column turns to doubles.
   */
  addCounted(values: Float64Array, counts: Uint32Array): number {
    const skipped = countNonFinite(values, counts);
    const mantissas = this.scaled ? mantissasOf(values, counts, this.scale) : undefined;
    if (mantissas && mantissas.scale > this.scale) this.rescale(mantissas.scale);
    const scaled = this.scaled;
    if (mantissas && scaled) {
      const { min, max, total } = mantissas;
      if (total === 0) return skipped;
      if (min < this.min) this.min = min;
      if (max > this.max) this.max = max;
      const tally = this.tallyFor(min, max, total);
      const outsideTimes = new Uint32Array(values.length);
      const outside = tallyCounted(mantissas.values, values, counts, tally?.counts ?? NO_COUNTS, tally?.min ?? 0, outsideTimes);
      let held = 0;
      for (let j = 0; j < outside; j++) {
        scaled.pushRepeated(mantissas.values[j] as number, outsideTimes[j] as number);
        held += outsideTimes[j] as number;
      }
      if (tally) tally.count += total - held;
      return skipped;
    }
    if (this.scaled) this.toDoubles();
    const doubles = this.doubles as ChunkList<Float64Array>;
    for (let k = 0; k < values.length; k++) {
      const value = values[k] as number;
      if (counts[k] !== 0 && Number.isFinite(value)) doubles.pushRepeated(value, counts[k] as number);
    }
    return skipped;
  }

  /** Any other finite number. */
  addDouble(value: number): void {
    if (this.scaled) this.toDoubles();
    this.doubles?.push(value);
  }

  /** The values: those counted ascending, then those held one by one in the order they came. */
  *values(): Generator<number> {
    if (this.scaled) {
      const divisor = POWERS_OF_TEN[this.scale] as number;
      if (this.tally) {
        for (const value of expanded(this.tally)) yield value / divisor;
      }
      for (const value of this.scaled.values()) yield value / divisor;
    } else {
      yield* (this.doubles as ChunkList<Float64Array>).values();
    }
  }

  /**
   * The values ascending (8 bytes a value): in a new array, or with a `workspace`, in its array for `side`, reused
   * from column to column. Scaled integers spanning a range no wider than a few times their count (and than
   * COUNTING_SORT_MAX_SPAN) are counting-sorted straight into doubles, one division per distinct value; anything
   * else is copied and radix-sorted.
   */
  sorted(workspace?: SortWorkspace, side: 0 | 1 = 0): Float64Array {
    const target = workspace ? workspace.values(side, this.count) : new Float64Array(this.count);
    const counts = this.countsFromMin(workspace);
    if (counts) return markSortedFinite(this.sortedFromCounts(counts, target));
    // Stored values are finite: NaN and ±infinity are counted as missing, never added.
    return markSortedFinite(sortInPlace(this.copyInto(target), workspace));
  }

  /**
   * The values ascending for a test, the column's own storage let go at once (one copy at a time, never two): as
   * distinct values with counts when that takes less memory than a double a value (few distinct values among many),
   * else as `sorted()` gives them. The tests give the same results to the bit for both shapes.
   */
  takeAscending(workspace?: SortWorkspace, side: 0 | 1 = 0): NumberSample {
    const counts = this.countsFromMin(workspace);
    const counted = counts && this.countedFrom(counts, workspace, side);
    // 12 bytes a distinct value (a double and a count) against 8 a value.
    const sample = counted && counted.values.length * 3 <= this.count * 2 ? counted : this.sorted(workspace, side);
    this.drain();
    return sample;
  }

  /** A count per value from `min` up: the tally, or scaled integers counted when their span allows; else undefined. */
  private countsFromMin(workspace?: SortWorkspace): Uint32Array | undefined {
    // A tally with values beside it is joined with them first: it then starts at `min`, or is gone.
    if (this.tally && (this.scaled as ChunkList<Int32Array>).length > 0) this.compact();
    if (this.tally) return this.tally.counts;
    const scaled = this.scaled;
    const count = this.count;
    const span = this.max - this.min + 1;
    if (!scaled || count === 0 || span > Math.min(Math.max(4 * count, 1 << 16), COUNTING_SORT_MAX_SPAN)) return undefined;
    const counts = workspace ? workspace.counters(span) : new Uint32Array(span);
    tallyInto(counts, this.min, { storage: "int32", chunks: scaled.chunks() });
    return counts;
  }

  /** The values a count per value from `min` up holds, as doubles with their counts (in `workspace`'s arrays for `side`). */
  private countedFrom(counts: Uint32Array, workspace: SortWorkspace | undefined, side: 0 | 1): CountedNumbers {
    const min = this.min;
    const divisor = POWERS_OF_TEN[this.scale] as number;
    const most = Math.min(counts.length, this.count);
    const values = workspace ? workspace.values(side, most) : new Float64Array(most);
    const times = workspace ? workspace.valueCounts(side, most) : new Uint32Array(most);
    let distinct = 0;
    for (let offset = 0; offset < counts.length; offset++) {
      const count = counts[offset] as number;
      if (count === 0) continue;
      values[distinct] = (min + offset) / divisor;
      times[distinct++] = count;
    }
    return CountedNumbers.trusted(values.subarray(0, distinct), times.subarray(0, distinct));
  }

  /** The values into `all`, chunk by chunk (a block copy for doubles, one division a value for integers). */
  private copyInto(all: Float64Array): Float64Array {
    let offset = 0;
    if (this.scaled) {
      const divisor = POWERS_OF_TEN[this.scale] as number;
      for (const chunk of this.scaled.chunks())
        for (let i = 0; i < chunk.length; i++) all[offset++] = (chunk[i] as number) / divisor;
    } else {
      for (const chunk of (this.doubles as ChunkList<Float64Array>).chunks()) {
        all.set(chunk, offset);
        offset += chunk.length;
      }
    }
    return all;
  }

  /** The doubles of a count per value from `min` up, ascending, into `sorted`. */
  private sortedFromCounts(counts: Uint32Array, sorted: Float64Array): Float64Array {
    const min = this.min;
    const divisor = POWERS_OF_TEN[this.scale] as number;
    let offset = 0;
    for (let k = 0; k < counts.length; k++) {
      const times = counts[k] as number;
      if (times > 0) {
        sorted.fill((min + k) / divisor, offset, offset + times);
        offset += times;
      }
    }
    return sorted;
  }

  /**
   * A batch of mantissas at the column's scale, from `min` to `max`: counted into the tally (started, or grown, as
   * `tallyFor` allows), those outside its range appended to the chunks.
   */
  private store(scaled: ChunkList<Int32Array>, batch: Int32Array, min: number, max: number): void {
    if (min < this.min) this.min = min;
    if (max > this.max) this.max = max;
    const tally = this.tallyFor(min, max, batch.length);
    if (!tally) {
      scaled.pushAll(batch);
      return;
    }
    const outside = countWithin(batch, tally.counts, tally.min);
    tally.count += batch.length - outside;
    if (outside > 0) scaled.pushAll(batch.subarray(0, outside));
  }

  /**
   * The tally to count `adding` values from `min` to `max` into, its range never wider than the column's values with
   * them (so it takes no more bytes than they would one by one) nor than COUNTING_SORT_MAX_SPAN: started for them
   * when their range allows; grown to take them in when the joint range allows and is at least twice its own (so a
   * range that widens bit by bit is copied a few times, not once a batch). Otherwise as it is (values outside it go
   * to the chunks), or none.
   */
  private tallyFor(min: number, max: number, adding: number): Tally | undefined {
    const tally = this.tally;
    const widest = Math.min(this.count + adding, COUNTING_SORT_MAX_SPAN);
    if (!tally) {
      const span = max - min + 1;
      if (span > widest) return undefined;
      this.tally = { counts: new Uint32Array(span), min, count: 0 };
      return this.tally;
    }
    const span = tally.counts.length;
    if (min >= tally.min && max < tally.min + span) return tally;
    const from = Math.min(min, tally.min);
    const wider = Math.max(max, tally.min + span - 1) - from + 1;
    if (wider < 2 * span || wider > widest) return tally;
    const counts = new Uint32Array(wider);
    counts.set(tally.counts, tally.min - from);
    this.tally = { counts, min: from, count: tally.count };
    return this.tally;
  }

  /**
   * Moves the stored integers to a finer scale, or to doubles when they would no longer fit. A tally is spread
   * over its wider range while that stays no wider than its count, else its values rejoin the chunks.
   */
  private rescale(scale: number): void {
    const factor = POWERS_OF_TEN[scale - this.scale] as number;
    const largest = this.count === 0 ? 0 : Math.max(Math.abs(this.min), Math.abs(this.max));
    if (scale > MAX_SCALE || largest * factor > INT32_MAX) {
      this.toDoubles();
      return;
    }
    const scaled = this.scaled as ChunkList<Int32Array>;
    for (const chunk of scaled.chunks()) for (let i = 0; i < chunk.length; i++) chunk[i]! *= factor;
    const tally = this.tally;
    if (tally) {
      const span = (tally.counts.length - 1) * factor + 1;
      if (span <= Math.min(tally.count, COUNTING_SORT_MAX_SPAN)) {
        const counts = new Uint32Array(span);
        for (let k = 0; k < tally.counts.length; k++) counts[k * factor] = tally.counts[k] as number;
        this.tally = { counts, min: tally.min * factor, count: tally.count };
      } else {
        const values = expanded(tally);
        for (let i = 0; i < values.length; i++) values[i]! *= factor;
        scaled.pushAll(values);
        this.tally = undefined;
      }
    }
    this.scale = scale;
    if (this.min !== Number.POSITIVE_INFINITY) {
      this.min *= factor;
      this.max *= factor;
    }
  }

  private toDoubles(): void {
    const doubles = new ChunkList(newFloat64Array);
    for (const value of this.values()) doubles.push(value);
    this.doubles = doubles;
    this.scaled = undefined;
    this.tally = undefined;
  }
}

/**
 * What `countScaledRun` found besides where it stopped: how many mantissas it put in MANTISSA_BATCH, their smallest
 * and largest.
 */
const RUN_FOUND = new Int32Array(3);

/**
 * The values from `start` on whose mantissa at `divisor` gives them back exactly: those within `counts` (a counter
 * per value from `base` up) counted there, the others put in MANTISSA_BATCH, until it is full or a value does not
 * fit; answers the index of the first value not taken. A loop of its own, touching only numbers and typed arrays:
 * V8 optimises it alone, quickly, and the column's state changing (a tally started) cannot invalidate it.
 */
function countScaledRun(values: Float64Array, start: number, divisor: number, counts: Uint32Array, base: number): number {
  const span = counts.length;
  const batch = MANTISSA_BATCH;
  let taken = 0;
  let min = INT32_MAX;
  let max = -INT32_MAX;
  let i = start;
  for (; i < values.length && taken < batch.length; i++) {
    const value = values[i] as number;
    const mantissa = Math.round(value * divisor);
    if (!(mantissa >= -INT32_MAX && mantissa <= INT32_MAX && mantissa / divisor === value)) break;
    const offset = mantissa - base;
    if (offset >= 0 && offset < span) {
      counts[offset]!++;
    } else {
      batch[taken++] = mantissa;
      if (mantissa < min) min = mantissa;
      if (mantissa > max) max = mantissa;
    }
  }
  RUN_FOUND[0] = taken;
  RUN_FOUND[1] = min;
  RUN_FOUND[2] = max;
  return i;
}

/**
 * Counts the values of `batch` within `counts` (a counter per value from `base` up) and moves the others to the
 * front of the batch, in order; answers how many those are.
 */
function countWithin(batch: Int32Array, counts: Uint32Array, base: number): number {
  const span = counts.length;
  let outside = 0;
  for (let i = 0; i < batch.length; i++) {
    const mantissa = batch[i] as number;
    const offset = mantissa - base;
    if (offset >= 0 && offset < span) counts[offset]!++;
    else batch[outside++] = mantissa;
  }
  return outside;
}

/**
 * The coarsest scale from `from` up to MAX_SCALE at which a scaled integer gives back exactly `value`; -1 when there
 * is none (the value needs a double).
 */
function scaleOf(value: number, from: number): number {
  for (let scale = from; scale <= MAX_SCALE; scale++) {
    const divisor = POWERS_OF_TEN[scale] as number;
    const mantissa = Math.round(value * divisor);
    if (Math.abs(mantissa) > INT32_MAX) return -1;
    if (mantissa / divisor === value) return scale;
  }
  return -1;
}

/**
 * The mantissas of the finite values that occur (`counts` not 0) at the coarsest scale from `from` up that gives
 * every one of them back exactly (`scaleOf`, as `addNumber` finds it value by value), their range and total count;
 * undefined when one of them fits no scale.
 */
function mantissasOf(
  values: Float64Array,
  counts: Uint32Array,
  from: number,
): { values: Int32Array; scale: number; min: number; max: number; total: number } | undefined {
  const mantissas = new Int32Array(values.length);
  for (let scale = from; ; ) {
    const k = mantissasAtScale(values, counts, POWERS_OF_TEN[scale] as number, mantissas);
    if (k === values.length) {
      const found = MANTISSAS_FOUND;
      return { values: mantissas, scale, min: found[0] as number, max: found[1] as number, total: found[2] as number };
    }
    // A value that needs a finer scale: every value again at that one (at most MAX_SCALE times).
    scale = scaleOf(values[k] as number, scale + 1);
    if (scale < 0) return undefined;
  }
}

/** What `mantissasAtScale` found: the smallest and largest mantissa, and the total count of the values. */
const MANTISSAS_FOUND = new Float64Array(3);

/**
 * The mantissas at `divisor` of the finite values that occur (`counts` not 0), into `mantissas`, up to the first
 * one it does not give back exactly, whose index is answered (`values.length` when there is none).
 */
function mantissasAtScale(values: Float64Array, counts: Uint32Array, divisor: number, mantissas: Int32Array): number {
  let min = INT32_MAX;
  let max = -INT32_MAX;
  let total = 0;
  let k = 0;
  for (; k < values.length; k++) {
    const value = values[k] as number;
    if (counts[k] === 0 || !Number.isFinite(value)) continue;
    const mantissa = Math.round(value * divisor);
    if (!(mantissa >= -INT32_MAX && mantissa <= INT32_MAX && mantissa / divisor === value)) break;
    mantissas[k] = mantissa;
    if (mantissa < min) min = mantissa;
    if (mantissa > max) max = mantissa;
    total += counts[k] as number;
  }
  MANTISSAS_FOUND[0] = min;
  MANTISSAS_FOUND[1] = max;
  MANTISSAS_FOUND[2] = total;
  return k;
}

/** How many values `counts` counts that are not finite (NaN, ±infinity). */
function countNonFinite(values: Float64Array, counts: Uint32Array): number {
  let count = 0;
  for (let k = 0; k < values.length; k++) if (!Number.isFinite(values[k] as number)) count += counts[k] as number;
  return count;
}

/**
 * Adds `counts[k]` to the counter of `mantissas[k]` in `tally` (a counter per value from `base` up), for every finite
 * value that occurs; those outside it are moved to the front of `mantissas`, in order, with their counts in
 * `outsideTimes`. Answers how many those are.
 */
function tallyCounted(
  mantissas: Int32Array,
  values: Float64Array,
  counts: Uint32Array,
  tally: Uint32Array,
  base: number,
  outsideTimes: Uint32Array,
): number {
  const span = tally.length;
  let outside = 0;
  for (let k = 0; k < mantissas.length; k++) {
    const times = counts[k] as number;
    if (times === 0 || !Number.isFinite(values[k] as number)) continue;
    const mantissa = mantissas[k] as number;
    const offset = mantissa - base;
    if (offset >= 0 && offset < span) {
      tally[offset]! += times;
    } else {
      mantissas[outside] = mantissa;
      outsideTimes[outside++] = times;
    }
  }
  return outside;
}

function countOf(state: NumberColumnState): number {
  return state.storage === "counts" ? state.count : state.chunks.reduce((total, chunk) => total + chunk.length, 0);
}

/** Adds the values of a scaled part (or of chunks of scaled integers) to `counts` (one counter per value from `min` up). */
function tallyInto(
  counts: Uint32Array,
  min: number,
  part: { storage: "int32"; chunks: Iterable<Int32Array> } | CountedState,
): void {
  if (part.storage === "counts") {
    const offset = part.min - min;
    for (let k = 0; k < part.counts.length; k++) counts[offset + k]! += part.counts[k] as number;
    return;
  }
  for (const chunk of part.chunks) for (let i = 0; i < chunk.length; i++) counts[(chunk[i] as number) - min]!++;
}

/** The scaled integers of a compacted part (or a tally), ascending. */
function expanded(state: Tally): Int32Array {
  const values = new Int32Array(state.count);
  let offset = 0;
  for (let k = 0; k < state.counts.length; k++) {
    const times = state.counts[k] as number;
    if (times > 0) {
      values.fill(state.min + k, offset, offset + times);
      offset += times;
    }
  }
  return values;
}
