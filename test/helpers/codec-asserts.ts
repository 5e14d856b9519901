/** Error expectations shared by the codec tests in test/protocol/. */
import { expect } from 'vitest';
import { DecodeError, type Layer } from '../../protocol/errors.js';

/** Runs `f`, which must throw a DecodeError (anything else fails an `expect`); returns that error. */
export function decodeError(f: () => unknown): DecodeError {
  try {
    f();
  } catch (err) {
    expect(err).toBeInstanceOf(DecodeError);
    return err as DecodeError;
  }
  throw new Error('expected a DecodeError');
}

/** Runs `f`, which must throw a DecodeError; returns it, and rethrows anything else unchanged. */
export function decodeErrorOrRethrow(f: () => unknown): DecodeError {
  try {
    f();
  } catch (e) {
    if (e instanceof DecodeError) return e;
    throw e;
  }
  throw new Error('expected a DecodeError');
}

/** Every strict prefix of a valid encoding (0 to length-1 bytes) throws a DecodeError. */
export function everyStrictPrefixFails(bytes: Uint8Array, decode: (b: Uint8Array) => unknown): void {
  for (let i = 0; i < bytes.length; i++) decodeError(() => decode(bytes.subarray(0, i)));
}

/** A check that `f` gives only a value or a DecodeError of `layer`, never RangeError/TypeError. */
export function valueOrDecodeErrorOf(layer: Layer): (f: () => unknown) => void {
  return (f) => {
    try {
      f();
    } catch (e) {
      if (!(e instanceof DecodeError)) throw e;
      expect(e.layer).toBe(layer);
    }
  };
}
