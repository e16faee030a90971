import { add, grad, mul, scalar, type Tensor } from '@neurite/tensor';

/** J = 3(a + bc), the course's computation-graph example; its derivatives come from Neurite's autodiff. */
export const J = (a: Tensor, b: Tensor, c: Tensor): Tensor => mul(add(a, mul(b, c)), 3);

export function graphValues(a: number, b: number, c: number) {
  const [ta, tb, tc] = [scalar(a, 'float64'), scalar(b, 'float64'), scalar(c, 'float64')];
  const [da, db, dc] = grad(J)(ta, tb, tc).map((g) => g.item());
  const u = b * c;
  const v = a + u;
  return { u, v, J: J(ta, tb, tc).item(), da, db, dc };
}

const fmt = (x: number): string => (Number.isInteger(x) ? String(x) : x.toFixed(3));

function node(x: number, y: number, name: string, value: number, kind: string, deriv: string): string {
  return `<g class="gnode ${kind}" transform="translate(${x},${y})">
    <rect x="-52" y="-24" width="104" height="48" rx="12"/>
    <text class="gname" y="-4">${name}</text><text class="gval" y="15">${fmt(value)}</text>
    <text class="gderiv" y="42">${deriv}</text></g>`;
}

function edge(x1: number, y1: number, x2: number, y2: number): string {
  const mx = (x1 + x2) / 2;
  return `<path class="gedge" d="M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}" marker-end="url(#arrow)"/>`;
}

export function renderGraph(root: HTMLElement, derivs: HTMLElement, a: number, b: number, c: number): void {
  const g = graphValues(a, b, c);
  root.innerHTML = `<svg viewBox="0 0 720 260" role="img" aria-label="Computation graph: u = bc = ${fmt(g.u)}, v = a + u = ${fmt(g.v)}, J = 3v = ${fmt(g.J)}">
    <defs><marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#9aa0ad"/></marker></defs>
    ${edge(112, 35, 392, 110)}${edge(112, 125, 204, 165)}${edge(112, 215, 204, 185)}${edge(312, 175, 392, 130)}${edge(502, 120, 592, 120)}
    ${node(60, 35, 'a', a, 'input', `∂J/∂a = ${fmt(g.da)}`)}${node(60, 125, 'b', b, 'input', `∂J/∂b = ${fmt(g.db)}`)}${node(60, 215, 'c', c, 'input', `∂J/∂c = ${fmt(g.dc)}`)}
    ${node(260, 175, 'u = bc', g.u, 'inner', '∂J/∂u = 3')}${node(450, 120, 'v = a + u', g.v, 'inner', '∂J/∂v = 3')}${node(650, 120, 'J = 3v', g.J, 'output', '∂J/∂J = 1')}
  </svg>`;
  derivs.innerHTML = [
    ['∂J/∂a', g.da, '= ∂J/∂v · ∂v/∂a = 3 · 1'],
    ['∂J/∂b', g.db, `= ∂J/∂u · ∂u/∂b = 3 · c = 3 · ${fmt(c)}`],
    ['∂J/∂c', g.dc, `= ∂J/∂u · ∂u/∂c = 3 · b = 3 · ${fmt(b)}`],
  ]
    .map(
      ([name, v, why]) =>
        `<div class="deriv"><span class="dname">${name}</span><output class="dval" data-deriv="${String(name).slice(-1)}">${fmt(v as number)}</output><span class="muted small">${why}</span></div>`,
    )
    .join('');
}
