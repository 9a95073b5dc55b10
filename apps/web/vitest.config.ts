import { base } from '@wattwise/vitest-config';

export default base;
