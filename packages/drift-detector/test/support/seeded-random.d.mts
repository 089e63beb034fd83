/** Types of seeded-random.mjs. */
export function mulberry32(seed: number): () => number;
export function normal(random: () => number, mean?: number, sd?: number): number;
