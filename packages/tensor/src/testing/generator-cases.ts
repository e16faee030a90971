import { tensor } from '../creation.ts';
import { ValueError } from '../errors.ts';
import { Generator } from '../random/generator.ts';
import { assert, assertClose, assertDType, assertEqual, assertThrows, EXACT } from './assert.ts';
import { randintCalls, streams } from './fixtures/generator.ts';
import type { ConformanceCase } from './index.ts';

/**
 * `Generator` against numpy's legacy RandomState, stream by stream. rand, randint,
 * permutation and shuffle are bit-exact; randn may differ by one ulp of Math.log
 * (about 4.4e-16, see shared/reference/README.md) while staying aligned.
 */
const RANDN = { rtol: 4.5e-16, atol: 4.5e-16 };

export function generatorCases(): ConformanceCase[] {
  const cases: ConformanceCase[] = [];
  for (const s of streams) {
    const c = (name: string, fn: () => void) => cases.push({ name: `seed ${s.seed}: ${name}`, fn });
    c('rand matches np.random.rand exactly', () => {
      const r = new Generator(s.seed).rand([5], 'float64');
      assertDType(r, 'float64');
      assertClose(r, s.rand5, EXACT);
      assertClose(new Generator(s.seed).rand([5]), s.rand5.map(Math.fround), EXACT, 'float32 rounds the same draws');
    });
    c('randn keeps the cached Gaussian across calls', () => {
      const g = new Generator(s.seed);
      assertClose(g.randn([3], 'float64'), s.randn3, RANDN, 'randn(3)');
      assertClose(g.randn([3], 'float64'), s.randn3b, RANDN, 'then randn(3)');
      assertClose(g.randn([1], 'float64'), s.randn1, RANDN, 'then randn(1)');
      // One Gaussian is cached now; rand must not consume it, randn must return it.
      assertClose(g.rand([2], 'float64'), s.rand2AfterRandn, EXACT, 'then rand(2)');
      assertClose(g.randn([1], 'float64'), s.randn1b, RANDN, 'then the cached randn(1)');
      assertEqual(g.getState().pos, s.posAfterRandn, 'words consumed');
    });
    c('randn fills shapes in C order', () => {
      const x = new Generator(s.seed).randn([2, 3], 'float64');
      assertEqual(x.shape, [2, 3]);
      assertClose(x, [...s.randn3, ...s.randn3b], RANDN);
    });
    c('randint over several ranges (powers of two, range 1, 2^32)', () => {
      const g = new Generator(s.seed);
      randintCalls.forEach(([low, high, size], i) => {
        assertEqual(g.randint(low, high, size), s.randint[i], `randint(${low}, ${high}, ${size})`);
      });
    });
    c('permutation and shuffle', () => {
      const g = new Generator(s.seed);
      assertEqual(g.permutation(10), s.permutation10, 'permutation(10)');
      const items = [0, 1, 2, 3, 4, 5, 6];
      const same = g.shuffle(items);
      assert(same === items, 'shuffle works in place and returns its argument');
      assertEqual(items, s.shuffle7, 'shuffle(arange(7))');
      assertEqual(g.permutation(1), s.permutation1, 'permutation(1)');
      assertClose(g.rand([1], 'float64'), [s.randAfterShuffle], EXACT, 'rand after shuffling');
    });
    c('uniform(-2, 3)', () => {
      assertClose(new Generator(s.seed).uniform(-2, 3, [4], 'float64'), s.uniform, EXACT);
    });
    c('state after rand(5), randn(1) matches numpy get_state()', () => {
      const g = new Generator(s.seed);
      g.rand([5]);
      g.randn([1]);
      const st = g.getState();
      const want = s.stateAfterRand5Randn1;
      assertEqual([st.pos, st.key[0], st.key[623]], [want.pos, want.key0, want.key623], 'pos, key[0], key[623]');
      assert((st.gauss !== null) === want.hasGauss, `cached Gaussian present: ${st.gauss}`);
      if (st.gauss !== null) assertClose(tensor([st.gauss], 'float64'), [want.gauss], RANDN, 'cached Gaussian');
    });
  }
  cases.push(
    {
      name: 'check values from shared/reference/README.md (seed 1)',
      fn: () => {
        assertClose(new Generator(1).rand([3], 'float64'), [0.417022004702574, 0.7203244934421581, 1.1437481734488664e-4], EXACT);
        assertClose(new Generator(1).randn([3], 'float64'), [1.6243453636632417, -0.6117564136500754, -0.5281717522634557], RANDN);
      },
    },
    {
      name: 'getState/setState round trip, cached Gaussian included',
      fn: () => {
        const g = new Generator(42);
        g.randn([5]);
        const saved = g.getState();
        assert(saved.gauss !== null, 'an odd number of Gaussians leaves one cached');
        const next = [g.randn([3], 'float64'), g.rand([4], 'float64'), g.randint(0, 100, 5)];
        g.randn([7]);
        g.setState(saved);
        const again = [g.randn([3], 'float64'), g.rand([4], 'float64'), g.randint(0, 100, 5)];
        assertEqual(
          again.map((x) => ('data' in x ? Array.from(x.data) : x)),
          next.map((x) => ('data' in x ? Array.from(x.data) : x)),
        );
        const other = new Generator(7);
        other.setState(saved);
        assertClose(other.randn([3], 'float64'), next[0] as never, EXACT, 'state moved to another generator');
        assertThrows(() => g.setState({ key: [1, 2], pos: 0, gauss: null }), ValueError, '624');
      },
    },
    {
      name: 'bad seeds throw ValueError',
      fn: () => {
        for (const seed of [-1, 2 ** 32, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
          assertThrows(() => new Generator(seed), ValueError, 'seed', String(seed));
        }
        assertThrows(() => new Generator(1).randint(5, 5), ValueError, 'low < high');
        assertThrows(() => new Generator(1).permutation(-1), ValueError, 'permutation');
        assertThrows(() => new Generator(1).rand([-2]), ValueError, '-2');
      },
    },
  );
  return cases;
}
