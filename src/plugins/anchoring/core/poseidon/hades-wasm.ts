import { FunctionBuilder, ModuleBuilder, type Local } from './wasm-assembler';

/**
 * Emits a WebAssembly module computing Starknet's Poseidon hash — the Hades permutation over
 * the Stark field p = 2^251 + 17·2^192 + 1 (state width 3, 4 + 4 full and 83 partial rounds,
 * x³ S-box, MDS matrix [[3,1,1],[1,-1,1],[1,1,-2]]) and the `poseidon_hash_span` sponge of
 * Cairo's core library. It is over 30 times faster than the BigInt implementation starknet.js
 * ships, which is what lets a batch of 100,000 statements be hashed into a tree in seconds.
 * fast-poseidon.ts instantiates it; its tests check it against starknet.js and against the
 * Cairo core library's own test vectors.
 *
 * Representation. Outside the permutation (the `hash_span` arguments) a field element is 8
 * little-endian 32-bit words, canonical (< p). Inside, it is 9 signed 64-bit limbs of radix
 * 2^29 in Montgomery form (x·R mod p, R = 2^261), not necessarily normalised: a value in
 * (0, 2^253) whose limbs are in (−2^28, 2^29 + 2^28) (see `emitPartialReduce`). The permutation
 * keeps the whole state in locals.
 *
 * Multiplication (`emitMontgomeryProduct`): the 17 columns of the schoolbook product are plain
 * sums of at most 9 products of such limbs, below 2^63, so no carry is needed while multiplying; then
 * Montgomery reduction word by word: since p ≡ 1 (mod 2^29) the factor for each word is −t mod
 * 2^29, and m·p touches three limbs only (p = 1 + 17·2^18·2^(6·29) + 2^19·2^(8·29)). For inputs
 * below 2^253 the result, (a·b + M·p)/R, is below 2p with normalised limbs.
 */

const LIMBS = 9;
const RADIX_BITS = 29;
const LIMB_MASK = (1n << BigInt(RADIX_BITS)) - 1n;
const LIMB_BYTES = 8;
/** An element inside the module: LIMBS i64 limbs. */
const ELEMENT_BYTES = LIMBS * LIMB_BYTES;
/** An element at the interface: eight 32-bit words. */
export const FELT_BYTES = 32;
const FELT_WORDS = 8;
const ROUNDS_FULL_HALF = 4;
const ROUNDS_PARTIAL = 83;
export const ROUNDS = 2 * ROUNDS_FULL_HALF + ROUNDS_PARTIAL;
export const STATE_WIDTH = 3;
const ROUND_BYTES = STATE_WIDTH * ELEMENT_BYTES;
/** p's non-zero limbs in radix 2^29: limb 0 is 1, limb 6 is 17·2^18, limb 8 is 2^19. */
const P_LIMB_6 = 17n << 18n;
const P_LIMB_8_SHIFT = 19n;
/** ⌊v / 2^251⌋ is limb 8 >> 19 once limbs are normalised (limb 8 starts at bit 232). */
const TOP_SHIFT = P_LIMB_8_SHIFT;

/** Byte offsets in the module's memory; fast-poseidon.ts writes the constants at start-up. */
export const LAYOUT = layout();
/** Interface elements the io area holds. */
export const IO_CAPACITY = 64;
const MEMORY_PAGES = Math.ceil((LAYOUT.io + IO_CAPACITY * FELT_BYTES) / 65536);

function layout() {
  /** ROUNDS + 1 rounds of constants: round r's are added after round r − 1's mix; the last are 0. */
  const roundConstants = 0;
  const montgomerySquare = roundConstants + (ROUNDS + 1) * ROUND_BYTES;
  const montgomeryOne = montgomerySquare + ELEMENT_BYTES;
  const plainOne = montgomeryOne + ELEMENT_BYTES;
  const state = plainOne + ELEMENT_BYTES;
  const scratch = state + ROUND_BYTES;
  const io = scratch + ELEMENT_BYTES;
  return { roundConstants, montgomerySquare, montgomeryOne, plainOne, state, scratch, io };
}

/** Limb layout facts fast-poseidon.ts needs to write constants in the module's own form. */
export const INTERNAL = { LIMBS, RADIX_BITS, ELEMENT_BYTES, ROUND_BYTES, MONTGOMERY_BITS: LIMBS * RADIX_BITS };

/**
 * The module's exports: `hash_span(input, count, output)` hashes `count` interface elements
 * (each < p) at byte offset `input` and writes the hash at `output`, exactly as Cairo's
 * `core::poseidon::poseidon_hash_span`; `permute(state)` applies the Hades permutation to the
 * three internal elements at `state` (exported for tests).
 */
export function hadesModuleBytes(): Uint8Array {
  const module = new ModuleBuilder(MEMORY_PAGES);
  const montMul = module.add(montgomeryMultiplication());
  const addReduce = module.add(reducedSum());
  const permute = module.add(permutation(), true);
  const unpack = module.add(unpackElement());
  const pack = module.add(packCanonicalElement());
  module.add(hashSpan(module, { montMul, addReduce, permute, unpack, pack }), true);
  return module.encode();
}

/** Locals a Montgomery product needs besides its operands and result. */
interface ProductScratch {
  t: Local[];
  carry: Local;
  word: Local;
  m: Local;
}

function productScratch(fn: FunctionBuilder): ProductScratch {
  return { t: fn.locals('i64', 2 * LIMBS), carry: fn.local('i64'), word: fn.local('i64'), m: fn.local('i64') };
}

/** mont_mul(a, b, out): out = a·b·R⁻¹ mod p, below 2p, normalised. `out` may alias a or b. */
function montgomeryMultiplication(): FunctionBuilder {
  const fn = new FunctionBuilder('mont_mul', ['i32', 'i32', 'i32']);
  const a = loadElement(fn, fn.param(0));
  const b = loadElement(fn, fn.param(1));
  emitMontgomeryProduct(fn, a, b, a, productScratch(fn));
  storeElement(fn, fn.param(2), a);
  return fn;
}

/**
 * out = a·b·R⁻¹ mod p (a² when b is 'square'), below 2p, normalised limbs; `out` may be the
 * locals of a or b (they are read before out is written).
 */
function emitMontgomeryProduct(
  fn: FunctionBuilder,
  a: Local[],
  b: Local[] | 'square',
  out: Local[],
  scratch: ProductScratch,
): void {
  const { t, carry, word } = scratch;
  for (let k = 0; k < 2 * LIMBS - 1; k++) {
    if (b === 'square') emitSquareColumn(fn, a, k);
    else emitProductColumn(fn, a, b, k);
    fn.set(t[k]);
  }
  emitMontgomeryReduction(fn, scratch);
  for (let k = 0; k < LIMBS; k++) {
    fn.get(t[LIMBS + k]).get(carry).i64Add().tee(word).i64Const(LIMB_MASK).i64And().set(out[k]);
    fn.get(word).i64Const(RADIX_BITS).i64ShrS().set(carry);
  }
}

/** Pushes Σ a_i·b_j over i + j = k. */
function emitProductColumn(fn: FunctionBuilder, a: Local[], b: Local[], k: number): void {
  const first = Math.max(0, k - (LIMBS - 1));
  for (let i = first; i <= Math.min(k, LIMBS - 1); i++) {
    fn.get(a[i]).get(b[k - i]).i64Mul();
    if (i > first) fn.i64Add();
  }
}

/** Pushes Σ a_i·a_j over i + j = k: twice the products with i < j, plus a_(k/2)². */
function emitSquareColumn(fn: FunctionBuilder, a: Local[], k: number): void {
  const first = Math.max(0, k - (LIMBS - 1));
  const pairs: [number, number][] = [];
  for (let i = first; 2 * i < k; i++) pairs.push([i, k - i]);
  pairs.forEach(([i, j], index) => {
    fn.get(a[i]).get(a[j]).i64Mul();
    if (index > 0) fn.i64Add();
  });
  if (pairs.length > 0) fn.i64Const(1).i64Shl();
  if (k % 2 === 0) {
    fn.get(a[k / 2]).get(a[k / 2]).i64Mul();
    if (pairs.length > 0) fn.i64Add();
  }
}

/**
 * Adds m_i·p·2^(29i) for i = 0..8, m_i = −(t_i + carry) mod 2^29, so that the low nine limbs
 * become zero; leaves the carry into limb 9 in `carry`.
 */
function emitMontgomeryReduction(fn: FunctionBuilder, { t, carry, word, m }: ProductScratch): void {
  for (let i = 0; i < LIMBS; i++) {
    fn.get(t[i]);
    if (i > 0) fn.get(carry).i64Add();
    fn.set(word);
    fn.i64Const(0).get(word).i64Sub().i64Const(LIMB_MASK).i64And().set(m);
    fn.get(word).get(m).i64Add().i64Const(RADIX_BITS).i64ShrS().set(carry);
    fn.get(t[i + 6]).get(m).i64Const(P_LIMB_6).i64Mul().i64Add().set(t[i + 6]);
    fn.get(t[i + 8]).get(m).i64Const(P_LIMB_8_SHIFT).i64Shl().i64Add().set(t[i + 8]);
  }
}

/** add_reduce(x, y, out): out = x + y, partially reduced. */
function reducedSum(): FunctionBuilder {
  const fn = new FunctionBuilder('add_reduce', ['i32', 'i32', 'i32']);
  const [x, y, out] = [fn.param(0), fn.param(1), fn.param(2)];
  const limbs = fn.locals('i64', LIMBS);
  for (let k = 0; k < LIMBS; k++) {
    fn.get(x).i64Load(k * LIMB_BYTES).get(y).i64Load(k * LIMB_BYTES).i64Add().set(limbs[k]);
  }
  emitPartialReduce(fn, limbs, fn.local('i64'));
  storeElement(fn, out, limbs);
  return fn;
}

/**
 * For limbs whose value v is in (−2^256, 2^256): normalises them (signed carries), then
 * subtracts (h − 1)·p with h = ⌊v / 2^251⌋ (in [−32, 32)). With v = h·2^251 + r, 0 ≤ r < 2^251,
 * that leaves r + p − h·(17·2^192 + 1), in (0, 2^253) since |h|·(17·2^192 + 1) < 2^202;
 * limbs 0, 6 and 8 move by less than 2^28 and are not normalised again.
 */
function emitPartialReduce(fn: FunctionBuilder, limbs: Local[], h: Local): void {
  emitCarry(fn, limbs);
  fn.get(limbs[LIMBS - 1]).i64Const(TOP_SHIFT).i64ShrS().i64Const(1).i64Sub().set(h);
  emitSubtractMultipleOfP(fn, limbs, h);
}

/** limbs −= k·p, k in a local; limb by limb, no carries. */
function emitSubtractMultipleOfP(fn: FunctionBuilder, limbs: Local[], k: Local): void {
  fn.get(limbs[0]).get(k).i64Sub().set(limbs[0]);
  fn.get(limbs[6]).get(k).i64Const(P_LIMB_6).i64Mul().i64Sub().set(limbs[6]);
  fn.get(limbs[8]).get(k).i64Const(P_LIMB_8_SHIFT).i64Shl().i64Sub().set(limbs[8]);
}

/** Signed carry propagation: limbs 0..7 into [0, 2^29), the rest into limb 8. */
function emitCarry(fn: FunctionBuilder, limbs: Local[]): void {
  for (let k = 0; k < LIMBS - 1; k++) {
    fn.get(limbs[k + 1]).get(limbs[k]).i64Const(RADIX_BITS).i64ShrS().i64Add().set(limbs[k + 1]);
    fn.get(limbs[k]).i64Const(LIMB_MASK).i64And().set(limbs[k]);
  }
}

/** Locals of the permutation. */
interface PermutationLocals {
  state: Local[][];
  squared: Local[];
  scratch: ProductScratch;
  sum: Local;
  h: Local;
  constants: Local;
}

/**
 * permute(state): the Hades permutation, on the three elements at `state` (read once into
 * locals, written back at the end). Round 0's constants are added first; then each round
 * applies the S-box to every element (full rounds) or to the last one (partial rounds) and
 * mixes, adding the next round's constants (zero after the last round).
 */
function permutation(): FunctionBuilder {
  const fn = new FunctionBuilder('permute', ['i32']);
  const address = fn.param(0);
  const round = fn.local('i32');
  const locals: PermutationLocals = {
    state: [0, 1, 2].map((i) => loadElement(fn, address, i * ELEMENT_BYTES)),
    squared: fn.locals('i64', LIMBS),
    scratch: productScratch(fn),
    sum: fn.local('i64'),
    h: fn.local('i64'),
    constants: fn.local('i32'),
  };
  const { state, constants } = locals;
  fn.i32Const(LAYOUT.roundConstants).set(constants);
  state.forEach((element, i) => {
    element.forEach((limb, k) => {
      fn.get(limb).get(constants).i64Load(i * ELEMENT_BYTES + k * LIMB_BYTES).i64Add().set(limb);
    });
    emitPartialReduce(fn, element, locals.h);
  });
  fn.i32Const(LAYOUT.roundConstants + ROUND_BYTES).set(constants);
  fn.loop();
  fn.get(round).i32Const(ROUNDS_FULL_HALF).i32LtU();
  fn.get(round).i32Const(ROUNDS_FULL_HALF + ROUNDS_PARTIAL).i32GeU();
  fn.i32Or().if();
  emitCube(fn, state[0], locals);
  emitCube(fn, state[1], locals);
  fn.end();
  emitCube(fn, state[2], locals);
  emitMix(fn, locals);
  fn.get(constants).i32Const(ROUND_BYTES).i32Add().set(constants);
  fn.get(round).i32Const(1).i32Add().tee(round).i32Const(ROUNDS).i32LtU().brIf(0);
  fn.end();
  state.forEach((element, i) => storeElement(fn, address, element, i * ELEMENT_BYTES));
  return fn;
}

/** x ← x³ (the S-box). */
function emitCube(fn: FunctionBuilder, x: Local[], { squared, scratch }: PermutationLocals): void {
  emitMontgomeryProduct(fn, x, 'square', squared, scratch);
  emitMontgomeryProduct(fn, squared, x, x, scratch);
}

/**
 * The MDS layer followed by the next round's constants: with s = a + b + c (limb by limb),
 * (a, b, c) ← (s + 2a, s − 2b, s − 3c) + constants = (3a + b + c, a − b + c, a + b − 2c) +
 * constants, each partially reduced (rows are in (−2^255, 2^256)).
 */
function emitMix(fn: FunctionBuilder, { state, sum, h, constants }: PermutationLocals): void {
  const [a, b, c] = state;
  const scales: [Local[], bigint, boolean][] = [
    [a, 2n, true],
    [b, 2n, false],
    [c, 3n, false],
  ];
  for (let k = 0; k < LIMBS; k++) {
    fn.get(a[k]).get(b[k]).i64Add().get(c[k]).i64Add().set(sum);
    scales.forEach(([element, factor, add], row) => {
      fn.get(sum).get(element[k]).i64Const(factor).i64Mul();
      if (add) fn.i64Add();
      else fn.i64Sub();
      fn.get(constants).i64Load(row * ELEMENT_BYTES + k * LIMB_BYTES).i64Add().set(element[k]);
    });
  }
  state.forEach((element) => emitPartialReduce(fn, element, h));
}

/** unpack(words, element): eight 32-bit words → nine 29-bit limbs (not Montgomery form). */
function unpackElement(): FunctionBuilder {
  const fn = new FunctionBuilder('unpack', ['i32', 'i32']);
  const [words, element] = [fn.param(0), fn.param(1)];
  for (let k = 0; k < LIMBS; k++) {
    const bit = k * RADIX_BITS;
    const word = Math.floor(bit / 32);
    fn.get(element).get(words);
    // Bits 232..255 (the last limb) come from the last word alone: never read past the element.
    if (word + 1 < FELT_WORDS) fn.i64Load(word * 4, 0);
    else fn.i64Load32U(word * 4);
    fn.i64Const(bit % 32).i64ShrU().i64Const(LIMB_MASK).i64And();
    fn.i64Store(k * LIMB_BYTES);
  }
  return fn;
}

/**
 * pack_canonical(element, words): reduces an element below 2p (not Montgomery form) to [0, p)
 * and writes it as eight 32-bit words.
 */
function packCanonicalElement(): FunctionBuilder {
  const fn = new FunctionBuilder('pack_canonical', ['i32', 'i32']);
  const [element, words] = [fn.param(0), fn.param(1)];
  const limbs = loadElement(fn, element);
  const k = fn.local('i64');
  fn.i64Const(1).set(k);
  emitSubtractMultipleOfP(fn, limbs, k);
  emitCarry(fn, limbs);
  fn.get(limbs[LIMBS - 1]).i64Const(63).i64ShrS().set(k); // −1 when negative: add p back
  emitSubtractMultipleOfP(fn, limbs, k);
  emitCarry(fn, limbs);
  for (let w = 0; w < FELT_WORDS; w++) {
    const limb = Math.floor((w * 32) / RADIX_BITS);
    const offset = w * 32 - limb * RADIX_BITS;
    fn.get(words);
    fn.get(limbs[limb]).i64Const(offset).i64ShrU();
    fn.get(limbs[limb + 1]).i64Const(RADIX_BITS - offset).i64Shl().i64Or();
    fn.i64Store32(w * 4);
  }
  return fn;
}

interface SpanFunctions {
  montMul: FunctionBuilder;
  addReduce: FunctionBuilder;
  permute: FunctionBuilder;
  unpack: FunctionBuilder;
  pack: FunctionBuilder;
}

/**
 * hash_span(input, count, output): Cairo's `poseidon_hash_span` — absorb the elements two at
 * a time (added to the first two state elements, then permute); at the end absorb (last, 1)
 * when one is left, else (1, 0), permute, and return the first state element.
 */
function hashSpan(module: ModuleBuilder, f: SpanFunctions): FunctionBuilder {
  const fn = new FunctionBuilder('hash_span', ['i32', 'i32', 'i32']);
  const [input, count, output] = [fn.param(0), fn.param(1), fn.param(2)];
  for (let k = 0; k < STATE_WIDTH * LIMBS; k++) {
    fn.i32Const(LAYOUT.state).i64Const(0).i64Store(k * LIMB_BYTES);
  }
  fn.block().loop();
  fn.get(count).i32Const(2).i32LtU().brIf(1);
  absorb(fn, module, f, input, 0, 0);
  absorb(fn, module, f, input, FELT_BYTES, 1);
  fn.i32Const(LAYOUT.state).call(f.permute, module);
  fn.get(input).i32Const(2 * FELT_BYTES).i32Add().set(input);
  fn.get(count).i32Const(2).i32Sub().set(count);
  fn.br(0).end().end();
  fn.get(count).i32Eqz().if();
  addToState(fn, module, f.addReduce, LAYOUT.montgomeryOne, 0);
  fn.else();
  absorb(fn, module, f, input, 0, 0);
  addToState(fn, module, f.addReduce, LAYOUT.montgomeryOne, 1);
  fn.end();
  fn.i32Const(LAYOUT.state).call(f.permute, module);
  fn.i32Const(LAYOUT.state).i32Const(LAYOUT.plainOne).i32Const(LAYOUT.scratch).call(f.montMul, module);
  fn.i32Const(LAYOUT.scratch).get(output).call(f.pack, module);
  return fn;
}

/** state[index] += the interface element at input + offset, in Montgomery form. */
function absorb(
  fn: FunctionBuilder,
  module: ModuleBuilder,
  f: SpanFunctions,
  input: Local,
  offset: number,
  index: number,
): void {
  fn.get(input).i32Const(offset).i32Add().i32Const(LAYOUT.scratch).call(f.unpack, module);
  fn.i32Const(LAYOUT.scratch).i32Const(LAYOUT.montgomerySquare).i32Const(LAYOUT.scratch);
  fn.call(f.montMul, module);
  addToState(fn, module, f.addReduce, LAYOUT.scratch, index);
}

function addToState(fn: FunctionBuilder, module: ModuleBuilder, addReduce: FunctionBuilder, address: number, index: number): void {
  const element = LAYOUT.state + index * ELEMENT_BYTES;
  fn.i32Const(element).i32Const(address).i32Const(element).call(addReduce, module);
}

function loadElement(fn: FunctionBuilder, address: Local, offset = 0): Local[] {
  const limbs = fn.locals('i64', LIMBS);
  limbs.forEach((limb, k) => fn.get(address).i64Load(offset + k * LIMB_BYTES).set(limb));
  return limbs;
}

function storeElement(fn: FunctionBuilder, address: Local, limbs: Local[], offset = 0): void {
  limbs.forEach((limb, k) => fn.get(address).get(limb).i64Store(offset + k * LIMB_BYTES));
}
