/*
 * scikit-learn's StratifiedShuffleSplit(n_splits=1, test_size, random_state=seed), printed by
 * packages/datasets/scripts/stratified_split.py (scikit-learn 1.9.1, numpy 2.4.6).
 */
export const SKLEARN: {
  counts: number[];
  testSize: number;
  seed: number;
  trainHead: number[];
  testHead: number[];
  trainSum: number;
  testSum: number;
  trainWeighted: number;
  testWeighted: number;
  testPerClass: number[];
}[] = [
  {
    counts: [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978],
    testSize: 2000,
    seed: 0,
    trainHead: [9730, 3145, 4658, 2839, 1145, 167, 7161, 9798, 1630, 8941, 2462, 3347],
    testHead: [6417, 9315, 9138, 8092, 4084, 2556, 6739, 804, 9599, 1627, 1144, 5280],
    trainSum: 40007484,
    testSum: 9987516,
    trainWeighted: 159898879495,
    testWeighted: 9832836532,
    testPerClass: [200, 225, 198, 206, 196, 173, 203, 214, 189, 196],
  },
  {
    counts: [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978],
    testSize: 2000,
    seed: 7,
    trainHead: [1850, 2633, 7221, 8796, 4376, 2411, 4257, 4984, 5142, 9014, 1907, 5390],
    testHead: [1791, 3868, 4040, 8375, 5249, 3298, 2135, 7552, 5535, 9366, 2058, 2591],
    trainSum: 39996347,
    testSum: 9998653,
    trainWeighted: 160848575315,
    testWeighted: 9972738621,
    testPerClass: [200, 225, 198, 206, 196, 173, 203, 214, 189, 196],
  },
  {
    counts: [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978],
    testSize: 0.25,
    seed: 3,
    trainHead: [3527, 7296, 7297, 7032, 2235, 3539, 1435, 2721, 3091, 4579, 8365, 1247],
    testHead: [3193, 7153, 9169, 9307, 6987, 3492, 7913, 6219, 7190, 5972, 52, 1398],
    trainSum: 37479834,
    testSum: 12515166,
    trainWeighted: 140181417676,
    testWeighted: 15695875618,
    testPerClass: [250, 282, 248, 258, 245, 216, 253, 267, 236, 245],
  },
  {
    counts: [5, 5, 5, 5, 3],
    testSize: 7,
    seed: 1,
    trainHead: [17, 6, 7, 15, 11, 0, 13, 12, 2, 22, 10, 8],
    testHead: [9, 5, 19, 14, 3, 20, 1],
    trainSum: 182,
    testSum: 71,
    trainWeighted: 1668,
    testWeighted: 274,
    testPerClass: [2, 2, 1, 1, 1],
  },
  {
    counts: [4, 4, 4, 2, 2, 2],
    testSize: 0.4,
    seed: 11,
    trainHead: [17, 8, 6, 9, 12, 2, 15, 1, 7, 3],
    testHead: [13, 5, 14, 16, 0, 10, 4, 11],
    trainSum: 80,
    testSum: 73,
    trainWeighted: 365,
    testWeighted: 305,
    testPerClass: [1, 2, 2, 1, 1, 1],
  },
];
