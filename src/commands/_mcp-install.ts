export async function runInstall(_client: string, _opts: { uninstall: boolean; global: boolean; repo?: string; allowEnd: boolean; checks: string[] }): Promise<void> {}
