import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Generator, NeuriteError, type Tensor, valueAndGrad, zeros } from '@neurite/tensor';
import { describe, expect, it } from 'vitest';
import { CsvError, parseCsv } from '../src/index.ts';
import { loadCsv, readCsv } from '../src/node/index.ts';
import { tmp } from './h5files.ts';

const rows = (X: Tensor) => X.toArray();

describe('parseCsv', () => {
  it('puts each row in a column of X and the last column in Y by default', () => {
    const d = parseCsv('x1,x2,y\n1,2,0\n3,4.5,1\n-1,1e-3,1\n', { dtype: 'float64' });
    expect(rows(d.X)).toEqual([
      [1, 3, -1],
      [2, 4.5, 0.001],
    ]);
    expect(rows(d.Y!)).toEqual([[0, 1, 1]]);
    expect(d.featureNames).toEqual(['x1', 'x2']);
    expect(d.labelName).toBe('y');
    expect(d.classes).toBeNull();
    expect(d.X.dtype).toBe('float64');
    expect(parseCsv('a,b\n1,2\n').X.dtype).toBe('float32');
  });

  it('picks features and label by name or index, in the given order', () => {
    const text = 'id,label,b,a\n7,1,20,10\n8,0,21,11\n';
    const byName = parseCsv(text, { features: ['a', 'b'], label: 'label' });
    expect(rows(byName.X)).toEqual([
      [10, 11],
      [20, 21],
    ]);
    expect(rows(byName.Y!)).toEqual([[1, 0]]);
    const byIndex = parseCsv(text, { features: [3, 2], label: 1 });
    expect(rows(byIndex.X)).toEqual(rows(byName.X));
    expect(parseCsv(text, { label: null }).X.shape).toEqual([4, 2]);
  });

  it('reads files without a header, naming columns by index', () => {
    const d = parseCsv('1;2;cat\n3;4;dog\n5;6;cat\n', { header: false, delimiter: ';', label: 2 });
    expect(rows(d.X)).toEqual([
      [1, 3, 5],
      [2, 4, 6],
    ]);
    expect(d.classes).toEqual(['cat', 'dog']);
    expect(rows(d.Y!)).toEqual([[0, 1, 0]]);
    expect(d.featureNames).toEqual(['column 0', 'column 1']);
    expect(() => parseCsv('1,2\n', { header: false, label: 'y' })).toThrow(/label column 'y' is given by name but the file has no header/);
  });

  it('one-hot encodes class labels and keeps the class list', () => {
    const d = parseCsv('x,species\n1,setosa\n2,virginica\n3,versicolor\n4,setosa\n', { oneHot: true });
    expect(d.classes).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(rows(d.Y!)).toEqual([
      [1, 0, 0, 1],
      [0, 0, 1, 0],
      [0, 1, 0, 0],
    ]);
    const numeric = parseCsv('x,digit\n1,2\n2,10\n3,2\n', { oneHot: true });
    expect(numeric.classes).toEqual(['2', '10']);
    const fixed = parseCsv('x,y\n1,b\n', { classes: ['a', 'b', 'c'], oneHot: true });
    expect(rows(fixed.Y!)).toEqual([[0], [1], [0]]);
    expect(() => parseCsv('x,y\n1,b\n2,z\n', { classes: ['a', 'b'] })).toThrow(
      /row 2, column 'y': label 'z' is not one of the classes \[a, b\]/,
    );
  });

  it('handles quotes, CRLF, a BOM and blank lines', () => {
    const d = parseCsv('\ufeff"x","y"\r\n"1.5","a"\r\n\r\n2,"b,c"\r\n', { dtype: 'float64' });
    expect(rows(d.X)).toEqual([[1.5, 2]]);
    expect(d.classes).toEqual(['a', 'b,c']);
  });
});

describe('CSV errors name the row and column', () => {
  it('a bad cell', () => {
    const err = (() => {
      try {
        parseCsv('x1,x2,y\n1,2,0\n3,abc,1\n', { source: 'data.csv' });
      } catch (e) {
        return e as Error;
      }
    })();
    expect(err).toBeInstanceOf(CsvError);
    expect(err).toBeInstanceOf(NeuriteError);
    expect(err!.message).toBe("CSV 'data.csv': row 2 (line 3), column 'x2' (index 1): 'abc' is not a number");
    expect(() => parseCsv('x,y\n1,0\n,1\n')).toThrow(/row 2 \(line 3\), column 'x' \(index 0\): is empty/);
    expect(() => parseCsv('x,y\n1,0\n2,1\n', { labelType: 'number', features: ['x'], label: 'y' })).not.toThrow();
    expect(() => parseCsv('x,y\n1,0\n2,yes\n', { labelType: 'number' })).toThrow(/row 2, column 'y' \(index 1\): 'yes' is not a number/);
  });

  it('a ragged row', () => {
    expect(() => parseCsv('a,b,c\n1,2,3\n4,5\n6,7,8\n')).toThrow('CSV: row 2 (line 3) has 2 fields, expected 3 like the header');
    expect(() => parseCsv('1,2\n3,4,5\n', { header: false })).toThrow(/row 2 \(line 2\) has 3 fields, expected 2 like the first row/);
  });

  it('an empty file or a header alone', () => {
    expect(() => parseCsv('', { source: 'empty.csv' })).toThrow("CSV 'empty.csv': the file is empty (no rows)");
    expect(() => parseCsv('\n\n')).toThrow(/the file is empty/);
    expect(() => parseCsv('a,b\n')).toThrow(/no data rows after the header/);
  });

  it('a missing label or feature column', () => {
    expect(() => parseCsv('a,b\n1,2\n', { label: 'target' })).toThrow("CSV: label column 'target' not found (columns: a, b)");
    expect(() => parseCsv('a,b\n1,2\n', { features: ['a', 'z'] })).toThrow(/feature column 'z' not found \(columns: a, b\)/);
    expect(() => parseCsv('a,b\n1,2\n', { label: 5 })).toThrow(/label column index 5 is out of range/);
    expect(() => parseCsv('a,b\n1,2\n', { features: ['b'], label: 'b' })).toThrow(/column 'b' is both a feature and the label/);
  });

  it("csv-parse's own errors keep the file name", () => {
    expect(() => parseCsv('a,b\n"1,2\n', { source: 'q.csv' })).toThrow(/CSV 'q.csv': .*quote/i);
  });
});

describe('loadCsv / readCsv (streaming, Node)', () => {
  it('streams a file in many small chunks to the same result as parseCsv', async () => {
    const lines = ['f0,f1,f2,label'];
    for (let i = 0; i < 3000; i++) lines.push(`${i},${i * 0.5},${-i},${i % 3 === 0 ? 'a' : 'b'}`);
    const text = `${lines.join('\n')}\n`;
    const chunks = text.match(/[\s\S]{1,37}/g)!;
    const streamed = await readCsv(Readable.from(chunks), { dtype: 'float64' });
    const whole = parseCsv(text, { dtype: 'float64' });
    expect(streamed.X.shape).toEqual([3, 3000]);
    expect(Array.from(streamed.X.data)).toEqual(Array.from(whole.X.data));
    expect(Array.from(streamed.Y!.data)).toEqual(Array.from(whole.Y!.data));
    expect(streamed.classes).toEqual(['a', 'b']);
    expect(streamed.X.data[2 * 3000 + 2999]).toBe(-2999);
  });

  it('loads a file and names it in errors', async () => {
    const good = join(tmp, 'good.csv');
    writeFileSync(good, 'x,y\n1,1\n2,0\n');
    expect(Array.from((await loadCsv(good)).X.data)).toEqual([1, 2]);
    const bad = join(tmp, 'bad.csv');
    writeFileSync(bad, 'x,y\n1,1\n2,zero\n3\n');
    await expect(loadCsv(bad, { labelType: 'number' })).rejects.toThrow(/row 3 \(line 4\) has 1 fields, expected 2/);
    const badCell = join(tmp, 'bad-cell.csv');
    writeFileSync(badCell, 'x,y\n1,1\n2x,0\n');
    await expect(loadCsv(badCell)).rejects.toThrow(`CSV '${badCell}': row 2 (line 3), column 'x' (index 0): '2x' is not a number`);
    const empty = join(tmp, 'empty.csv');
    writeFileSync(empty, '');
    await expect(loadCsv(empty)).rejects.toThrow(`CSV '${empty}': the file is empty (no rows)`);
    await expect(loadCsv(join(tmp, 'nope.csv'))).rejects.toThrow(
      /loadCsv: cannot read '.*nope\.csv': it does not exist; expected a CSV file/,
    );
    await expect(loadCsv(good, { label: 'target' })).rejects.toThrow(`CSV '${good}': label column 'target' not found (columns: x, y)`);
  });
});

describe('a model trained on a CSV of a known linear rule', () => {
  it('logistic regression reaches >= 97% on y = [2·x1 - x2 + 0.5 > 0]', () => {
    const rng = new Generator(0);
    const lines = ['x1,x2,y'];
    for (let i = 0; i < 400; i++) {
      const x1 = 4 * rng.random() - 2;
      const x2 = 4 * rng.random() - 2;
      lines.push(`${x1},${x2},${2 * x1 - x2 + 0.5 > 0 ? 1 : 0}`);
    }
    const { X, Y } = parseCsv(lines.join('\n'), { dtype: 'float64' });
    const m = X.shape[1];
    let W = zeros([1, 2], 'float64');
    let b = zeros([1, 1], 'float64');
    const cost = (W_: Tensor, b_: Tensor) => {
      const A = W_.matmul(X).add(b_).sigmoid();
      return Y!
        .mul(A.log())
        .add(Y!.neg().add(1).mul(A.neg().add(1).log()))
        .mean()
        .neg();
    };
    const step = valueAndGrad(cost);
    let first = 0;
    let last = 0;
    for (let it = 0; it < 300; it++) {
      const { value, grads } = step(W, b);
      if (it === 0) first = value.item();
      last = value.item();
      W = W.sub(grads[0].mul(1));
      b = b.sub(grads[1].mul(1));
    }
    expect(first).toBeCloseTo(Math.log(2), 10);
    expect(last).toBeLessThan(0.2);
    const A = W.matmul(X).add(b).sigmoid();
    let correct = 0;
    for (let j = 0; j < m; j++) if ((A.data[j] > 0.5 ? 1 : 0) === Y!.data[j]) correct++;
    expect(correct / m).toBeGreaterThanOrEqual(0.97);
    // The learned boundary points the same way as the rule (2, -1).
    expect(W.data[0]).toBeGreaterThan(0);
    expect(W.data[1]).toBeLessThan(0);
  });
});
