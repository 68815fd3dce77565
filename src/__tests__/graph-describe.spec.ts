import {
  describeExpression,
  descriptionsFromProbe,
  describeText
} from '../graph/describe';

describe('the variables probe', () => {
  it('asks for the names given, as a JSON list', () => {
    const code = describeExpression(['df', 'x']);
    expect(code).toContain('for k in ["df","x"] if k in ns');
    expect(code.startsWith("__import__('json').dumps(")).toBe(true);
  });

  it("parses the repr of the answer's JSON string", () => {
    const text =
      '\'{"df": ["pandas.core.frame.DataFrame", [100, 3], null], "n": ["builtins.int", null, null], "l": ["builtins.list", null, 5]}\'';
    const found = descriptionsFromProbe(text)!;
    expect(found).toEqual({
      df: {
        type: 'pandas.core.frame.DataFrame',
        shape: [100, 3],
        length: null
      },
      n: { type: 'int', shape: null, length: null },
      l: { type: 'list', shape: null, length: 5 }
    });
    expect([found.df, found.n, found.l].map(describeText)).toEqual([
      'DataFrame (100, 3)',
      'int',
      'list [5]'
    ]);
  });

  it('answers null for anything else', () => {
    expect(descriptionsFromProbe("'x'")).toBeNull();
    expect(descriptionsFromProbe('{"a": 1}')).toBeNull();
    expect(descriptionsFromProbe('\'{"a": [1]}\'')).toBeNull();
  });
});
