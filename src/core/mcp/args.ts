import { usageError } from '../infra/errors.js';

/**
 * The arguments of one MCP tool: described once, turned into the JSON Schema
 * the client sees (tools/list) and checked here on each call, so a bad
 * argument is a refusal like the CLI's usage errors (exit code 2) with a line
 * that says what is wrong, not a protocol error.
 */
export type ArgType = { type: 'string'; enum?: readonly string[] } | { type: 'boolean' } | { type: 'integer'; minimum?: number } | { type: 'string[]' };
export type ArgSpec = ArgType & { description: string; required?: boolean };
export type ArgsSpec = Record<string, ArgSpec>;

export function jsonSchemaOf(spec: ArgsSpec): { type: 'object'; properties: Record<string, object>; required?: string[]; additionalProperties: false } {
  const properties: Record<string, object> = {};
  for (const [name, arg] of Object.entries(spec)) {
    const { required: _required, ...rest } = arg;
    if (rest.type === 'string[]') properties[name] = { type: 'array', items: { type: 'string' }, description: rest.description };
    else properties[name] = rest;
  }
  const required = Object.entries(spec)
    .filter(([, arg]) => arg.required)
    .map(([name]) => name);
  return { type: 'object', properties, ...(required.length ? { required } : {}), additionalProperties: false };
}

const typeName = (arg: ArgSpec) => (arg.type === 'string[]' ? 'a list of strings' : arg.type === 'integer' ? 'a whole number' : `a ${arg.type}`);

/** The arguments as given, checked against the spec; throws a usage error naming the tool and the argument. */
export function checkArgs(tool: string, spec: ArgsSpec, given: unknown): Record<string, unknown> {
  const args = given ?? {};
  if (typeof args !== 'object' || Array.isArray(args))
    throw usageError(`${tool} takes an object of arguments.`, `Its arguments: ${Object.keys(spec).join(', ') || 'none'}.`);
  const record = args as Record<string, unknown>;
  for (const name of Object.keys(record)) {
    if (!(name in spec)) throw usageError(`${tool} has no argument "${name}".`, `Its arguments: ${Object.keys(spec).join(', ') || 'none'}.`);
  }
  for (const [name, arg] of Object.entries(spec)) {
    const value = record[name];
    if (value === undefined || value === null) {
      if (arg.required) throw usageError(`${tool} needs "${name}" (${arg.description}).`, `Call ${tool} again with "${name}".`);
      delete record[name];
      continue;
    }
    const ok =
      arg.type === 'string[]'
        ? Array.isArray(value) && value.every((each) => typeof each === 'string')
        : arg.type === 'integer'
          ? Number.isInteger(value) && (arg.minimum === undefined || (value as number) >= arg.minimum)
          : typeof value === arg.type;
    if (!ok)
      throw usageError(
        `${tool}: "${name}" must be ` +
          `${typeName(arg)}${arg.type === 'integer' && arg.minimum !== undefined ? ` of at least ${arg.minimum}` : ''} (got ${JSON.stringify(value)}).`,
        arg.description,
      );
    if (arg.type === 'string' && arg.enum && !arg.enum.includes(value as string)) {
      throw usageError(`${tool}: "${name}" takes ${arg.enum.join(', ')}, not "${String(value)}".`, arg.description);
    }
  }
  return record;
}
