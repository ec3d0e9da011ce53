#!/usr/bin/env node
// Validates rendered Kubernetes manifests (multi-document YAML on standard input) offline, against schemas that come
// from the npm registry (pinned in deploy/tools/k8s/package.json, installed into .local/tools/k8s by
// ./deploy/platform tools):
//   - built-in kinds: kubernetes-models (the Kubernetes OpenAPI schemas, compiled);
//   - CloudNativePG (postgresql.cnpg.io/v1): @kubernetes-models/cloudnative-pg (the operator's CRD schemas, compiled);
//   - RabbitmqCluster (rabbitmq.com/v1beta1): no registry package carries its CRD, so deploy/k8s/schemas holds a
//     schema written for this project from the operator's API reference (checked with ajv); its affinity, resources
//     and tolerations are checked with the built-in schemas.
// A kind without a schema is an error: nothing passes unchecked.
//
// The compiled schemas check types, required fields, enums and formats but not unknown fields (the OpenAPI
// documents do not say additionalProperties: false). Unknown fields are found by watching the validator: every
// object is wrapped in a Proxy that records which properties the validator looks at. A schema with properties looks
// at each of them (present or not); a map (labels, resources.limits) enumerates its keys. So a key of an object the
// validator looked into, that it never read, is not in the schema: "unknown field", as the API server's strict field
// validation would say. An object the validator never looked into (a free-form field) is not judged.
//
// Usage: node deploy/tools/k8s/validate.mjs [--tools DIR] < manifests.yaml
//   DIR: where deploy/tools/k8s/package.json is installed (default: .local/tools/k8s of this checkout).
// Prints one JSON report on standard output: {"documents":[{"apiVersion","kind","name","errors":[...],"object"}]};
// exits 0 when no document has an error, 1 when one has, 2 when the input or the tools are unusable.

import { readFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repository = resolve(here, '..', '..', '..');

function fail(message) {
  process.stderr.write(`k8s-validate: ${message}\n`);
  process.exit(2);
}

const toolsArg = process.argv.indexOf('--tools');
const tools = resolve(toolsArg > 0 ? process.argv[toolsArg + 1] : join(repository, '.local', 'tools', 'k8s'));
const modules = join(tools, 'node_modules');
if (!existsSync(join(modules, 'kubernetes-models'))) {
  fail(`kubernetes-models is not installed in ${modules}: run ./deploy/platform tools`);
}

const require = createRequire(join(tools, 'package.json'));
const YAML = require('yaml');
const Ajv = require('ajv');

// apiVersion -> the package folder holding its models ({group}/{version}/{Kind}.js, core: v1/{Kind}.js).
function modelFile(apiVersion, kind) {
  if (!/^[A-Za-z0-9.]+(\/[A-Za-z0-9]+)?$/.test(apiVersion) || !/^[A-Za-z0-9]+$/.test(kind)) {
    return null;
  }
  if (apiVersion.startsWith('postgresql.cnpg.io/')) {
    return join(modules, '@kubernetes-models', 'cloudnative-pg', apiVersion, `${kind}.js`);
  }
  return join(modules, 'kubernetes-models', apiVersion, `${kind}.js`);
}

// The compiled validate function of a model: its file imports it from ../../_schemas/<Name>.js.
const validators = new Map();
async function builtInValidator(apiVersion, kind) {
  const key = `${apiVersion}/${kind}`;
  if (!validators.has(key)) {
    const file = modelFile(apiVersion, kind);
    let validate = null;
    if (file && existsSync(file)) {
      const name = /_schemas\/([A-Za-z0-9]+)\.js/.exec(readFileSync(file, 'utf8'))?.[1];
      if (name) {
        validate = (await import(pathToFileURL(join(dirname(file), apiVersion.includes('/') ? '../..' : '..', '_schemas', `${name}.js`)).href)).validate;
      }
    }
    validators.set(key, validate);
  }
  return validators.get(key);
}

async function schemaValidator(name) {
  const file = join(modules, name.startsWith('IoK8sApimachinery') ? '@kubernetes-models/apimachinery' : 'kubernetes-models', '_schemas', `${name}.js`);
  return (await import(pathToFileURL(file).href)).validate;
}

// Wraps value so that every object and array in it records what the validator read.
function watched(value, path, nodes) {
  if (value === null || typeof value !== 'object') {
    return value;
  }
  const node = { path, value, read: new Set(), enumerated: false };
  nodes.push(node);
  const children = new Map();
  return new Proxy(value, {
    get(target, property, receiver) {
      const result = Reflect.get(target, property, receiver);
      if (typeof property !== 'string') {
        return result;
      }
      node.read.add(property);
      if (result !== null && typeof result === 'object' && Object.hasOwn(target, property)) {
        if (!children.has(property)) {
          children.set(property, watched(result, `${path}/${property}`, nodes));
        }
        return children.get(property);
      }
      return result;
    },
    ownKeys(target) {
      node.enumerated = true;
      return Reflect.ownKeys(target);
    },
  });
}

function describe(error) {
  const params = Object.entries(error.params ?? {}).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(' ');
  return `${error.instancePath || '/'}: ${error.message ?? error.keyword}${params ? ` (${params})` : ''}`;
}

// Runs a compiled validator over value (a subtree at path): schema errors plus unknown fields.
function check(validate, value, path = '') {
  const nodes = [];
  validate(watched(value, '', nodes));
  const errors = (validate.errors ?? []).map(e => describe({ ...e, instancePath: path + e.instancePath }));
  for (const node of nodes) {
    if (Array.isArray(node.value) || (node.read.size === 0 && !node.enumerated)) {
      continue;
    }
    for (const key of Object.keys(node.value)) {
      if (!node.read.has(key)) {
        errors.push(`${path}${node.path}/${key}: unknown field`);
      }
    }
  }
  return errors;
}

// Schemas written for this project (deploy/k8s/schemas), by apiVersion/kind. "x-kubernetes-subtrees" names the
// parts that are built-in Kubernetes types, checked with their own schemas.
const ajv = new Ajv({ allErrors: true, strict: true, keywords: ['x-kubernetes-subtrees', 'x-source'] });
const ownSchemas = new Map();
for (const [key, file] of [['rabbitmq.com/v1beta1/RabbitmqCluster', 'rabbitmqcluster.json']]) {
  const schema = JSON.parse(readFileSync(join(repository, 'deploy', 'k8s', 'schemas', file), 'utf8'));
  ownSchemas.set(key, { validate: ajv.compile(schema), subtrees: schema['x-kubernetes-subtrees'] ?? {} });
}

async function validateDocument(object) {
  const { apiVersion, kind } = object ?? {};
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') {
    return ['/: apiVersion and kind are required strings'];
  }
  const own = ownSchemas.get(`${apiVersion}/${kind}`);
  if (own) {
    const errors = own.validate(object) ? [] : own.validate.errors.map(describe);
    // ObjectMeta and the built-in subtrees, with the built-in schemas (and their unknown-field check).
    errors.push(...check(await schemaValidator('IoK8sApimachineryPkgApisMetaV1ObjectMeta'), object.metadata ?? {}, '/metadata'));
    for (const [pointer, name] of Object.entries(own.subtrees)) {
      const [path, each] = pointer.endsWith('/*') ? [pointer.slice(0, -2), true] : [pointer, false];
      const value = path.split('/').slice(1).reduce((v, p) => (v == null ? v : v[p]), object);
      if (value == null) {
        continue;
      }
      const validate = await schemaValidator(name);
      if (each && Array.isArray(value)) {
        value.forEach((item, i) => errors.push(...check(validate, item, `${path}/${i}`)));
      } else if (!each) {
        errors.push(...check(validate, value, path));
      }
    }
    return errors;
  }
  const validate = await builtInValidator(apiVersion, kind);
  if (!validate) {
    return [`/: no schema for ${apiVersion} ${kind} (add its models to deploy/tools/k8s/package.json, or a schema to deploy/k8s/schemas)`];
  }
  return check(validate, object);
}

const input = readFileSync(0, 'utf8');
const documents = [];
for (const doc of YAML.parseAllDocuments(input, { uniqueKeys: true, prettyErrors: false })) {
  if (doc.errors.length > 0) {
    documents.push({ apiVersion: null, kind: null, name: null, errors: doc.errors.map(e => `YAML: ${e.message}`), object: null });
    continue;
  }
  const object = doc.toJS();
  if (object === null || object === undefined) {
    continue; // an empty document (e.g. after a trailing ---)
  }
  documents.push({
    apiVersion: object.apiVersion ?? null,
    kind: object.kind ?? null,
    name: object.metadata?.name ?? null,
    errors: await validateDocument(object),
    object,
  });
}
if (documents.length === 0) {
  fail('no documents on standard input');
}
process.stdout.write(JSON.stringify({ documents }));
process.exit(documents.some(d => d.errors.length > 0) ? 1 : 0);
