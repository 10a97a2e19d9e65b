/**
 * Small deterministic pseudo-random helpers. The sandbox must produce the same purchase orders,
 * identifiers and injected faults for the same seed on every run and after a restart, so nothing
 * here touches Math.random.
 */

/** 32-bit FNV-1a hash of a string. */
export function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** A seeded random sequence (mulberry32). */
export class Rng {
  #state: number;

  /** Seeds the sequence from any mix of labels, e.g. `new Rng(seed, 'po', ordinal)`. */
  constructor(...labels: (string | number)[]) {
    this.#state = hash32(labels.join('\u0001'));
  }

  /** Next value in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('Rng.pick on an empty array');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** `length` characters drawn from `alphabet`. */
  chars(alphabet: string, length: number): string {
    let out = '';
    for (let i = 0; i < length; i++) out += alphabet[Math.floor(this.next() * alphabet.length)];
    return out;
  }

  /** A version-4-shaped UUID, stable for a seed. */
  uuid(): string {
    const hex = this.chars('0123456789abcdef', 32);
    const variant = this.chars('89ab', 1);
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20)}`;
  }
}

const HALF_BITS = 20;
const HALF_MASK = (1 << HALF_BITS) - 1;
const ROUNDS = 4;

/**
 * A keyed bijection on [0, 2^40): a four-round Feistel network. Turns consecutive ordinals into
 * identifiers that look random yet never collide and can be decoded back.
 */
export function permute40(value: number, key: string): number {
  let left = Math.floor(value / 2 ** HALF_BITS) & HALF_MASK;
  let right = value & HALF_MASK;
  for (let round = 0; round < ROUNDS; round++) {
    const next = left ^ (hash32(`${key}:${round}:${right}`) & HALF_MASK);
    left = right;
    right = next;
  }
  return left * 2 ** HALF_BITS + right;
}

/** Inverse of permute40 for the same key. */
export function unpermute40(value: number, key: string): number {
  let left = Math.floor(value / 2 ** HALF_BITS) & HALF_MASK;
  let right = value & HALF_MASK;
  for (let round = ROUNDS - 1; round >= 0; round--) {
    const previous = right ^ (hash32(`${key}:${round}:${left}`) & HALF_MASK);
    right = left;
    left = previous;
  }
  return left * 2 ** HALF_BITS + right;
}
