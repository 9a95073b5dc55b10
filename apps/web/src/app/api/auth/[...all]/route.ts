import { proxyAuth } from '../../../../lib/server/auth-proxy';

export const dynamic = 'force-dynamic';

type Params = { params: Promise<{ all: string[] }> };

async function handler(request: Request, { params }: Params): Promise<Response> {
  const { all } = await params;
  return proxyAuth(request, all);
}

export { handler as GET, handler as POST };
