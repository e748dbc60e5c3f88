import { describe, expect, it } from 'vitest';
import { parseStatelessStatus } from './parse-stateless-status.js';

describe('stateless status file', () => {
  it('reads an active zram boot and a fallback, ignoring unknown keys', () => {
    expect(
      parseStatelessStatus(
        'version=1\nmode=zram\nresult=active\nreason=ok\nmessage=root in RAM\nseconds=12.4\nbytes=3221225472\nfuture_key=x=y\n',
      ),
    ).toEqual({
      mode: 'zram',
      result: 'active',
      reason: 'ok',
      message: 'root in RAM',
      seconds: '12.4',
      bytes: 3221225472,
    });
    expect(
      parseStatelessStatus(
        'version=1\nmode=tmpfs\nresult=fallback\nreason=not-enough-ram\nmessage=needs 9000 MiB, 4000 available\nbytes=\n',
      ),
    ).toMatchObject({ result: 'fallback', reason: 'not-enough-ram', bytes: null });
  });
  it('rejects other versions and garbage', () => {
    expect(parseStatelessStatus('version=2\nresult=active\n')).toBeNull();
    expect(parseStatelessStatus('hello\n')).toBeNull();
  });
});
