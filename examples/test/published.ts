import { execFileSync } from 'node:child_process';

/** Published values from /work/shared/reference/README.md (the course's outputs, re-computed with numpy). */
export const week2Costs = [
  // biome-ignore lint/suspicious/noApproximativeNumericConstant: the published cost, log 2 printed to 6 decimals
  0.693147, 0.584508, 0.466949, 0.376007, 0.331463, 0.303273, 0.27988, 0.260042, 0.242941, 0.228004, 0.21482, 0.203078, 0.192544, 0.183033,
  0.174399, 0.166521, 0.159305, 0.152667, 0.146542, 0.140872,
];
export const week3Costs = [0.693048, 0.288083, 0.254385, 0.233864, 0.226792, 0.222644, 0.219731, 0.217504];

export const hasNumpy = (() => {
  try {
    execFileSync('python3', ['-c', 'import numpy'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
