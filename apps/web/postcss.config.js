export { default } from '@wattwise/tailwind-config/postcss';
