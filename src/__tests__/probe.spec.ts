import {
  fingerprintExpression,
  fingerprintsFromProbe,
  namesFromProbe,
  namesToFingerprint
} from '../probe';

describe('namesFromProbe', () => {
  it('reads the names of a Python string literal', () => {
    expect(namesFromProbe("'df model x'")).toEqual(['df', 'model', 'x']);
    expect(namesFromProbe("''")).toEqual([]);
  });

  it('answers null for anything else', () => {
    expect(namesFromProbe('None')).toBeNull();
  });
});

describe('fingerprintsFromProbe', () => {
  it('reads the repr of a dict of names to hex digests, pretty-printed or not', () => {
    expect(
      fingerprintsFromProbe("{'x': 'b68c45ab24fd59d5', 'df': '0a1b'}")
    ).toEqual({ x: 'b68c45ab24fd59d5', df: '0a1b' });
    expect(
      fingerprintsFromProbe(
        "{'x': 'b68c45ab24fd59d5',\n 'données': 'b585ff5505fbb6a0'}"
      )
    ).toEqual({ x: 'b68c45ab24fd59d5', données: 'b585ff5505fbb6a0' });
    expect(fingerprintsFromProbe('{}')).toEqual({});
  });

  it('answers null for anything else', () => {
    expect(fingerprintsFromProbe('None')).toBeNull();
    expect(fingerprintsFromProbe("{'x': 'not hex'}")).toBeNull();
    expect(fingerprintsFromProbe("{'x': 1}")).toBeNull();
    expect(fingerprintsFromProbe("{'x': 'ab', 'y': object}")).toBeNull();
  });
});

describe('fingerprintExpression', () => {
  const expression = fingerprintExpression(['x', 'df']);

  it('is one expression: a lambda applied to the user namespace', () => {
    expect(expression).not.toContain('\n');
    expect(expression.startsWith('(lambda ns, names, g: (exec(')).toBe(true);
    expect(expression.endsWith('(get_ipython().user_ns, ["x","df"], {})')).toBe(
      true
    );
  });

  it('compiles its helper into a throwaway dict and catches failures per name', () => {
    const code = JSON.parse(
      /exec\(("(?:[^"\\]|\\.)*"), g\)/.exec(expression)![1]
    ) as string;
    expect(code).toContain('def fingerprints(ns, names):');
    expect(code).toContain('        except Exception:\n            pass');
    // Bounded samples, never the whole object.
    expect(code).toContain('v.flat[::step][:1000]');
    expect(code).toContain('pd.concat([v.iloc[:5], v.iloc[-5:]])');
    // numpy and pandas are looked up, never imported.
    expect(code).not.toMatch(/import (numpy|pandas)/);
  });
});

describe('namesToFingerprint', () => {
  it('takes what the cell defines and mutates, reduced to bound names, once each', () => {
    expect(
      namesToFingerprint({
        defines: ['y', 'df'],
        mutates: ['df["a"]', 'obj.attr', 'y']
      })
    ).toEqual(['y', 'df', 'obj']);
  });

  it('is empty when the facts are unknown', () => {
    expect(namesToFingerprint(undefined)).toEqual([]);
  });
});
