export function moduleGraph(file: string): string[];
