// ESM entry of liberation-gates/openfeature: the same provider as openfeature.cjs.
import m from './openfeature.cjs';

export const { LiberationGatesProvider } = m;
export default m;
