import base from '@wattwise/eslint-config';

export default base;
