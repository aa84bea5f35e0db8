/**
 * Reading the COMMITTED infra/main.json (what `npm run check:infra` keeps equal to a fresh Bicep
 * build), so these tests need no Bicep CLI. Nested module deployments are walked; the few ARM
 * expressions the contract needs are resolved (`[variables('x')]`, `[variables('x').a.b]`,
 * `[parameters('x')]` to the template's own definitions); anything else stays a string.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const REPO = join(__dirname, '..', '..');
export const MAIN_JSON_PATH = join(REPO, 'infra', 'main.json');

export function loadMainTemplate(): JsonObject {
  return JSON.parse(readFileSync(MAIN_JSON_PATH, 'utf8')) as JsonObject;
}

export function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface Template {
  /** Symbolic names of the module deployments leading here ('' for main). */
  readonly path: string;
  readonly body: JsonObject;
  /** The deployment resource that holds this template (undefined for main). */
  readonly deployment: JsonObject | undefined;
}

export interface Resource {
  readonly symbol: string;
  readonly template: Template;
  readonly body: JsonObject;
}

/** Resources of one template: languageVersion 2.0 keeps them in an object by symbolic name. */
export function resourcesOf(template: Template): Resource[] {
  const resources = template.body['resources'];
  const entries: [string, Json][] = Array.isArray(resources)
    ? resources.map((r, i) => [String(i), r])
    : isObject(resources)
      ? Object.entries(resources)
      : [];
  return entries
    .filter((e): e is [string, JsonObject] => isObject(e[1]))
    .map(([symbol, body]) => ({ symbol, template, body }));
}

/** main.json and every nested module template, depth first. */
export function allTemplates(main: JsonObject): Template[] {
  const out: Template[] = [];
  const visit = (template: Template): void => {
    out.push(template);
    for (const resource of resourcesOf(template)) {
      if (resource.body['type'] !== 'Microsoft.Resources/deployments') continue;
      const properties = resource.body['properties'];
      const inner = isObject(properties) ? properties['template'] : undefined;
      if (isObject(inner))
        visit({ path: `${template.path}/${resource.symbol}`, body: inner, deployment: resource.body });
    }
  };
  visit({ path: '', body: main, deployment: undefined });
  return out;
}

export function resourcesOfType(main: JsonObject, type: string): Resource[] {
  return allTemplates(main)
    .flatMap(resourcesOf)
    .filter((r) => str(r.body['type']).toLowerCase() === type.toLowerCase());
}

/** The one resource of a type; fails the test when there are none or several. */
export function onlyResource(main: JsonObject, type: string): Resource {
  const found = resourcesOfType(main, type);
  if (found.length !== 1)
    throw new Error(`expected exactly one ${type} in infra/main.json, found ${found.length}`);
  return found[0]!;
}

/** A string value, or its JSON (so a test comparing it fails readably instead of on '[object Object]'). */
export function str(value: Json | undefined): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? 'undefined');
}

/** Follows `properties.a.b` etc. */
export function at(value: Json | undefined, ...path: string[]): Json | undefined {
  let current = value;
  for (const key of path) current = isObject(current) ? current[key] : undefined;
  return current;
}

const VARIABLE_REF = /^\[variables\('([^']+)'\)((?:\.[A-Za-z_$][\w$]*)*)\]$/;

/** Resolves `[variables('x')(.prop)*]` within the template, recursively; other values come back as they are. */
export function resolve(template: Template, value: Json | undefined): Json | undefined {
  if (typeof value !== 'string') return value;
  const match = VARIABLE_REF.exec(value);
  if (!match) return value;
  const variables = template.body['variables'];
  let current = resolve(template, isObject(variables) ? variables[match[1]!] : undefined);
  for (const key of (match[2] ?? '').split('.').filter((k) => k !== ''))
    current = resolve(template, at(current, key));
  return current;
}

/** The value a module deployment passes for one of its parameters (an expression in the parent). */
export function moduleParameter(template: Template, name: string): Json | undefined {
  return at(template.deployment, 'properties', 'parameters', name, 'value');
}
