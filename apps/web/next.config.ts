import type { NextConfig } from 'next';

const config: NextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // Workspace packages export TypeScript source. Client code imports only types from
  // @wattwise/api (its runtime would pull the database into the bundle).
  transpilePackages: ['@wattwise/api'],
};

export default config;
