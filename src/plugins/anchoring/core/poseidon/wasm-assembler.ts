/**
 * A minimal WebAssembly (MVP binary format) assembler: just what hades-wasm.ts needs — one
 * exported memory, functions of i32/i64 parameters and locals, straight-line integer code and
 * structured control flow. Instructions are appended through `FunctionBuilder`'s methods, whose
 * names follow the WebAssembly text format (`i64Add` is `i64.add`). Reference: the WebAssembly
 * Core Specification, §5 (binary format).
 */
export type ValueType = 'i32' | 'i64';

const VALUE_TYPE: Record<ValueType, number> = { i32: 0x7f, i64: 0x7e };

const SECTION = { type: 1, function: 3, memory: 5, export: 7, code: 10 } as const;
const EXPORT_KIND = { function: 0, memory: 2 } as const;
const EMPTY_BLOCK_TYPE = 0x40;
const FUNCTION_TYPE = 0x60;
const MAGIC_AND_VERSION = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];

/** Opcodes of the instructions this assembler emits (Core Specification §5.4). */
const OP = {
  block: 0x02,
  loop: 0x03,
  if: 0x04,
  else: 0x05,
  end: 0x0b,
  br: 0x0c,
  brIf: 0x0d,
  call: 0x10,
  localGet: 0x20,
  localSet: 0x21,
  localTee: 0x22,
  i64Load: 0x29,
  i64Load32U: 0x35,
  i64Store: 0x37,
  i64Store32: 0x3e,
  i32Const: 0x41,
  i64Const: 0x42,
  i32Eqz: 0x45,
  i32LtU: 0x49,
  i32GeU: 0x4f,
  i32Add: 0x6a,
  i32Sub: 0x6b,
  i32Or: 0x72,
  i64Add: 0x7c,
  i64Sub: 0x7d,
  i64Mul: 0x7e,
  i64And: 0x83,
  i64Or: 0x84,
  i64Shl: 0x86,
  i64ShrS: 0x87,
  i64ShrU: 0x88,
} as const;

/** A local variable or parameter, by index. */
export type Local = number;

export class FunctionBuilder {
  readonly code: number[] = [];
  private readonly localTypes: ValueType[] = [];

  constructor(
    readonly name: string,
    readonly params: readonly ValueType[],
    readonly results: readonly ValueType[] = [],
  ) {}

  /** The parameter at `index` (parameters are the first locals). */
  param(index: number): Local {
    return index;
  }

  local(type: ValueType): Local {
    this.localTypes.push(type);
    return this.params.length + this.localTypes.length - 1;
  }

  locals(type: ValueType, count: number): Local[] {
    return Array.from({ length: count }, () => this.local(type));
  }

  get(local: Local): this {
    return this.emit(OP.localGet, ...unsignedLeb(local));
  }
  set(local: Local): this {
    return this.emit(OP.localSet, ...unsignedLeb(local));
  }
  tee(local: Local): this {
    return this.emit(OP.localTee, ...unsignedLeb(local));
  }
  i32Const(value: number): this {
    return this.emit(OP.i32Const, ...signedLeb(BigInt(value)));
  }
  i64Const(value: bigint | number): this {
    return this.emit(OP.i64Const, ...signedLeb(BigInt.asIntN(64, BigInt(value))));
  }
  /** Loads the i64 at address (popped) + offset; `alignment` is log2 of the alignment hint. */
  i64Load(offset: number, alignment = 3): this {
    return this.emit(OP.i64Load, alignment, ...unsignedLeb(offset));
  }
  /** Stores an i64 (popped) at address (popped) + offset. */
  i64Store(offset: number): this {
    return this.emit(OP.i64Store, 3, ...unsignedLeb(offset));
  }
  /** Loads the unsigned 32-bit word at address (popped) + offset, zero-extended to i64. */
  i64Load32U(offset: number): this {
    return this.emit(OP.i64Load32U, 2, ...unsignedLeb(offset));
  }
  /** Stores the low 32 bits of an i64 (popped) at address (popped) + offset. */
  i64Store32(offset: number): this {
    return this.emit(OP.i64Store32, 2, ...unsignedLeb(offset));
  }
  call(callee: FunctionBuilder, module: ModuleBuilder): this {
    return this.emit(OP.call, ...unsignedLeb(module.indexOf(callee)));
  }
  block(): this {
    return this.emit(OP.block, EMPTY_BLOCK_TYPE);
  }
  loop(): this {
    return this.emit(OP.loop, EMPTY_BLOCK_TYPE);
  }
  if(): this {
    return this.emit(OP.if, EMPTY_BLOCK_TYPE);
  }
  else(): this {
    return this.emit(OP.else);
  }
  end(): this {
    return this.emit(OP.end);
  }
  /** Branches to the enclosing block `depth` levels out (0: the innermost). */
  br(depth: number): this {
    return this.emit(OP.br, ...unsignedLeb(depth));
  }
  brIf(depth: number): this {
    return this.emit(OP.brIf, ...unsignedLeb(depth));
  }
  i32Eqz(): this {
    return this.emit(OP.i32Eqz);
  }
  i32LtU(): this {
    return this.emit(OP.i32LtU);
  }
  i32GeU(): this {
    return this.emit(OP.i32GeU);
  }
  i32Add(): this {
    return this.emit(OP.i32Add);
  }
  i32Sub(): this {
    return this.emit(OP.i32Sub);
  }
  i32Or(): this {
    return this.emit(OP.i32Or);
  }
  i64Add(): this {
    return this.emit(OP.i64Add);
  }
  i64Sub(): this {
    return this.emit(OP.i64Sub);
  }
  i64Mul(): this {
    return this.emit(OP.i64Mul);
  }
  i64And(): this {
    return this.emit(OP.i64And);
  }
  i64Or(): this {
    return this.emit(OP.i64Or);
  }
  i64Shl(): this {
    return this.emit(OP.i64Shl);
  }
  i64ShrS(): this {
    return this.emit(OP.i64ShrS);
  }
  i64ShrU(): this {
    return this.emit(OP.i64ShrU);
  }

  /** The function body as the code section holds it: size, local declarations, code, end. */
  encodeBody(): number[] {
    const declarations = groupRuns(this.localTypes).map(([type, count]) => [
      ...unsignedLeb(count),
      VALUE_TYPE[type],
    ]);
    const body = [...vector(declarations), ...this.code, OP.end];
    return [...unsignedLeb(body.length), ...body];
  }

  encodeType(): number[] {
    return [
      FUNCTION_TYPE,
      ...vector(this.params.map((type) => [VALUE_TYPE[type]])),
      ...vector(this.results.map((type) => [VALUE_TYPE[type]])),
    ];
  }

  private emit(...bytes: number[]): this {
    for (const byte of bytes) this.code.push(byte);
    return this;
  }
}

/** A module of functions (each with a type of its own) and one memory exported as `memory`. */
export class ModuleBuilder {
  private readonly functions: FunctionBuilder[] = [];
  private readonly exported = new Set<FunctionBuilder>();

  constructor(private readonly memoryPages: number) {}

  add(fn: FunctionBuilder, exported = false): FunctionBuilder {
    this.functions.push(fn);
    if (exported) this.exported.add(fn);
    return fn;
  }

  indexOf(fn: FunctionBuilder): number {
    const index = this.functions.indexOf(fn);
    if (index < 0) throw new Error(`function ${fn.name} is not in the module`);
    return index;
  }

  encode(): Uint8Array {
    const exports = [
      [...name('memory'), EXPORT_KIND.memory, 0],
      ...[...this.exported].map((fn) => [
        ...name(fn.name),
        EXPORT_KIND.function,
        ...unsignedLeb(this.indexOf(fn)),
      ]),
    ];
    return Uint8Array.from([
      ...MAGIC_AND_VERSION,
      ...section(SECTION.type, vector(this.functions.map((fn) => fn.encodeType()))),
      ...section(SECTION.function, vector(this.functions.map((_, index) => unsignedLeb(index)))),
      ...section(SECTION.memory, vector([[0x00, ...unsignedLeb(this.memoryPages)]])),
      ...section(SECTION.export, vector(exports)),
      ...section(SECTION.code, vector(this.functions.map((fn) => fn.encodeBody()))),
    ]);
  }
}

function section(id: number, content: number[]): number[] {
  return [id, ...unsignedLeb(content.length), ...content];
}

function vector(items: number[][]): number[] {
  return [...unsignedLeb(items.length), ...items.flat()];
}

function name(text: string): number[] {
  const bytes = [...Buffer.from(text, 'utf8')];
  return [...unsignedLeb(bytes.length), ...bytes];
}

function groupRuns(types: ValueType[]): [ValueType, number][] {
  const runs: [ValueType, number][] = [];
  for (const type of types) {
    const last = runs[runs.length - 1];
    if (last && last[0] === type) last[1] += 1;
    else runs.push([type, 1]);
  }
  return runs;
}

function unsignedLeb(value: number): number[] {
  const bytes: number[] = [];
  let rest = value >>> 0;
  do {
    const byte = rest & 0x7f;
    rest >>>= 7;
    bytes.push(rest === 0 ? byte : byte | 0x80);
  } while (rest !== 0);
  return bytes;
}

function signedLeb(value: bigint): number[] {
  const bytes: number[] = [];
  let rest = value;
  for (;;) {
    const byte = Number(rest & 0x7fn);
    rest >>= 7n;
    const signBitClear = (byte & 0x40) === 0;
    if ((rest === 0n && signBitClear) || (rest === -1n && !signBitClear)) {
      bytes.push(byte);
      return bytes;
    }
    bytes.push(byte | 0x80);
  }
}
