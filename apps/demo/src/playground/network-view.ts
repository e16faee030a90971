import type { Config } from './config.ts';

const SVG = 'http://www.w3.org/2000/svg';

function el<K extends keyof SVGElementTagNameMap>(name: K, attrs: Record<string, string | number>): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

/**
 * The network as columns of units: x₁ x₂, the hidden layers (each with its own − / +
 * for units), and ŷ. Columns in the steppers' row and the drawing share one grid, so
 * each stepper sits over its layer.
 */
export function renderNetwork(root: HTMLElement, config: Config, maxUnits: number, onChange: (layers: number[]) => void): void {
  const sizes = [2, ...config.layers, 1];
  const n = sizes.length;
  const steppers = document.createElement('div');
  steppers.className = 'layer-steppers';
  steppers.style.gridTemplateColumns = `repeat(${n}, 1fr)`;
  sizes.forEach((units, i) => {
    const cell = document.createElement('div');
    cell.className = 'layer-cell';
    if (i === 0 || i === n - 1) {
      cell.innerHTML = `<span class="layer-name">${i === 0 ? 'Input' : 'Output'}</span>`;
    } else {
      const l = i;
      const group = document.createElement('div');
      group.className = 'stepper small';
      group.setAttribute('role', 'group');
      group.setAttribute('aria-label', `Units in hidden layer ${l}`);
      const minus = document.createElement('button');
      minus.type = 'button';
      minus.textContent = '−';
      minus.disabled = units <= 1;
      minus.setAttribute('aria-label', `Remove a unit from layer ${l}`);
      minus.addEventListener('click', () => onChange(config.layers.map((u, j) => (j === l - 1 ? u - 1 : u))));
      const plus = document.createElement('button');
      plus.type = 'button';
      plus.textContent = '+';
      plus.disabled = units >= maxUnits;
      plus.setAttribute('aria-label', `Add a unit to layer ${l}`);
      plus.addEventListener('click', () => onChange(config.layers.map((u, j) => (j === l - 1 ? u + 1 : u))));
      group.append(minus, plus);
      const name = document.createElement('span');
      name.className = 'layer-name';
      name.textContent = `${units} unit${units === 1 ? '' : 's'}`;
      cell.append(group, name);
    }
    steppers.append(cell);
  });

  const W = 100 * n;
  const rowH = 22;
  const H = Math.max(...sizes) * rowH + 16;
  const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, class: 'network-svg', role: 'img' });
  svg.setAttribute('aria-label', `Network ${sizes.join(' → ')}`);
  const pos = (i: number, k: number): [number, number] => [100 * i + 50, H / 2 + (k - (sizes[i] - 1) / 2) * rowH];
  const edges = el('g', { class: 'edges' });
  for (let i = 1; i < n; i++) {
    for (let a = 0; a < sizes[i - 1]; a++) {
      for (let b = 0; b < sizes[i]; b++) {
        const [x1, y1] = pos(i - 1, a);
        const [x2, y2] = pos(i, b);
        const mx = (x1 + x2) / 2;
        edges.append(el('path', { d: `M${x1},${y1} C${mx},${y1} ${mx},${y2} ${x2},${y2}` }));
      }
    }
  }
  svg.append(edges);
  sizes.forEach((units, i) => {
    for (let k = 0; k < units; k++) {
      const [x, y] = pos(i, k);
      const kind = i === 0 ? 'input' : i === n - 1 ? 'output' : 'hidden';
      svg.append(el('circle', { cx: x, cy: y, r: 7, class: `unit ${kind}` }));
      if (i === 0 || i === n - 1) {
        const t = el('text', { x: i === 0 ? x - 13 : x + 13, y: y + 4, 'text-anchor': i === 0 ? 'end' : 'start', class: 'unit-label' });
        t.textContent = i === 0 ? `x${k === 0 ? '₁' : '₂'}` : 'ŷ';
        svg.append(t);
      }
    }
  });
  // The course's shapes for this network: W[l] is (n[l], n[l−1]), b[l] is (n[l], 1).
  const shapes = document.createElement('p');
  shapes.className = 'shapes';
  let count = 0;
  shapes.innerHTML = sizes
    .slice(1)
    .map((n, i) => {
      count += n * sizes[i] + n;
      return `<span class="chip">W<sup>[${i + 1}]</sup> (${n}, ${sizes[i]}) · b<sup>[${i + 1}]</sup> (${n}, 1)</span>`;
    })
    .join('');
  shapes.insertAdjacentHTML('beforeend', `<span class="chip total">${count} parameters</span>`);
  root.replaceChildren(steppers, svg, shapes);
}
