/**
 * A strict JSON parser for distribution files.
 *
 * `JSON.parse` is not enough here: it keeps the last of duplicate keys without a word
 * (a duplicate label must be an error), and plain objects are the wrong container for
 * labels that are model tokens. This parser returns objects as `Map`s in document
 * order, rejects duplicate keys, bounds nesting depth (a 100k-deep document must be a
 * clean error, not a stack overflow), and reports positions as line:column.
 *
 * Like Python's `json` module it also reads the bare tokens `NaN`, `Infinity` and
 * `-Infinity`, which numpy-based writers emit; validation decides later whether they
 * are allowed (only −Infinity is, and only for log kinds).
 */
export type JsonValue = number | string | boolean | null | JsonValue[] | JsonObject;
export type JsonObject = Map<string, JsonValue>;

export const MAX_JSON_DEPTH = 64;

export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(message);
  }
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

class Parser {
  private position = 0;

  constructor(private readonly text: string) {}

  parseDocument(): JsonValue {
    this.skipWhitespace();
    const value = this.parseValue(0);
    this.skipWhitespace();
    if (this.position < this.text.length) this.fail('unexpected content after the JSON value');
    return value;
  }

  private fail(message: string, at = this.position): never {
    let line = 1;
    let lineStart = 0;
    for (let i = 0; i < at && i < this.text.length; i++) {
      if (this.text.charCodeAt(i) === 10) {
        line++;
        lineStart = i + 1;
      }
    }
    throw new JsonSyntaxError(message, line, at - lineStart + 1);
  }

  private skipWhitespace(): void {
    const text = this.text;
    while (this.position < text.length) {
      const code = text.charCodeAt(this.position);
      if (code === 32 || code === 9 || code === 10 || code === 13) this.position++;
      else break;
    }
  }

  private describeHere(): string {
    if (this.position >= this.text.length) return 'end of input';
    return JSON.stringify(this.text.slice(this.position, this.position + 12));
  }

  private parseValue(depth: number): JsonValue {
    const code = this.text.charCodeAt(this.position);
    switch (code) {
      case 123: // {
        return this.parseObject(depth + 1);
      case 91: // [
        return this.parseArray(depth + 1);
      case 34: // "
        return this.parseString();
      case 116: // t
        return this.parseLiteral('true', true);
      case 102: // f
        return this.parseLiteral('false', false);
      case 110: // n
        return this.parseLiteral('null', null);
      case 78: // N
        return this.parseLiteral('NaN', NaN);
      case 73: // I
        return this.parseLiteral('Infinity', Infinity);
      default:
        if (code === 45 && this.text.startsWith('-Infinity', this.position)) {
          return this.parseLiteral('-Infinity', -Infinity);
        }
        if (code === 45 || (code >= 48 && code <= 57)) return this.parseNumber();
        this.fail(`expected a JSON value, found ${this.describeHere()}`);
    }
  }

  private parseLiteral<T extends JsonValue>(word: string, value: T): T {
    if (!this.text.startsWith(word, this.position)) this.fail(`expected a JSON value, found ${this.describeHere()}`);
    this.position += word.length;
    return value;
  }

  private parseNumber(): number {
    NUMBER.lastIndex = this.position;
    const match = NUMBER.exec(this.text);
    if (!match) this.fail(`invalid number ${this.describeHere()}`);
    const start = this.position;
    this.position += match[0].length;
    const value = Number(match[0]);
    if (!Number.isFinite(value)) this.fail(`number ${match[0]} is too large for a 64-bit float`, start);
    return value;
  }

  private parseString(): string {
    const text = this.text;
    const start = ++this.position;
    let out = '';
    let chunkStart = start;
    while (this.position < text.length) {
      const code = text.charCodeAt(this.position);
      if (code === 34) {
        out += text.slice(chunkStart, this.position);
        this.position++;
        return out;
      }
      if (code < 0x20) this.fail('unescaped control character in string');
      if (code === 92) {
        out += text.slice(chunkStart, this.position);
        out += this.parseEscape();
        chunkStart = this.position;
        continue;
      }
      this.position++;
    }
    this.fail('unterminated string', start - 1);
  }

  private parseEscape(): string {
    const escaped = this.text[this.position + 1];
    this.position += 2;
    switch (escaped) {
      case '"':
        return '"';
      case '\\':
        return '\\';
      case '/':
        return '/';
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      case 'u': {
        const hex = this.text.slice(this.position, this.position + 4);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail('invalid \\u escape', this.position - 2);
        this.position += 4;
        return String.fromCharCode(Number.parseInt(hex, 16));
      }
      default:
        this.fail('invalid escape in string', this.position - 2);
    }
  }

  private parseArray(depth: number): JsonValue[] {
    if (depth > MAX_JSON_DEPTH) this.fail(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
    this.position++;
    const items: JsonValue[] = [];
    this.skipWhitespace();
    if (this.text.charCodeAt(this.position) === 93) {
      this.position++;
      return items;
    }
    for (;;) {
      this.skipWhitespace();
      items.push(this.parseValue(depth));
      this.skipWhitespace();
      const code = this.text.charCodeAt(this.position);
      if (code === 44) {
        this.position++;
        continue;
      }
      if (code === 93) {
        this.position++;
        return items;
      }
      this.fail(`expected ',' or ']' in array, found ${this.describeHere()}`);
    }
  }

  private parseObject(depth: number): JsonObject {
    if (depth > MAX_JSON_DEPTH) this.fail(`JSON nested deeper than ${MAX_JSON_DEPTH} levels`);
    this.position++;
    const object: JsonObject = new Map();
    this.skipWhitespace();
    if (this.text.charCodeAt(this.position) === 125) {
      this.position++;
      return object;
    }
    for (;;) {
      this.skipWhitespace();
      if (this.text.charCodeAt(this.position) !== 34) this.fail(`expected a string key, found ${this.describeHere()}`);
      const keyStart = this.position;
      const key = this.parseString();
      if (object.has(key)) this.fail(`duplicate key ${JSON.stringify(key)}`, keyStart);
      this.skipWhitespace();
      if (this.text.charCodeAt(this.position) !== 58) this.fail(`expected ':' after key, found ${this.describeHere()}`);
      this.position++;
      this.skipWhitespace();
      object.set(key, this.parseValue(depth));
      this.skipWhitespace();
      const code = this.text.charCodeAt(this.position);
      if (code === 44) {
        this.position++;
        continue;
      }
      if (code === 125) {
        this.position++;
        return object;
      }
      this.fail(`expected ',' or '}' in object, found ${this.describeHere()}`);
    }
  }
}

/** Parses one JSON document. Throws JsonSyntaxError with a 1-based line and column. */
export function parseJson(text: string): JsonValue {
  return new Parser(text).parseDocument();
}

export function jsonTypeName(value: JsonValue): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value instanceof Map) return 'an object';
  return `a ${typeof value}`;
}
