import { proxyTrpc } from '../../../../lib/server/trpc-proxy';

export const dynamic = 'force-dynamic';

type Params = { params: Promise<{ trpc: string }> };

async function handler(request: Request, { params }: Params): Promise<Response> {
  const { trpc } = await params;
  return proxyTrpc(request, trpc);
}

export { handler as GET, handler as POST };
