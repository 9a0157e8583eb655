// Sealer's deploy check (run by src/test/java/dev/sealer/deploy/DeployCheckTest.java):
//
//   node check.mjs build   KUBECTL DIR OUT.json      kubectl kustomize DIR, validate every object, write them as JSON
//   node check.mjs validate FILE.yaml...              validate the objects of YAML files (exit 1 on any invalid one)
//   node check.mjs lint DOCKERFILE...                 dockerfile-utils' validator (exit 1 on any error)
//
// Validation: each object's apiVersion/kind picks its model from kubernetes-models (the Kubernetes
// OpenAPI schemas), @kubernetes-models/cert-manager or @kubernetes-models/prometheus-operator (the
// CRDs' OpenAPI schemas); the model's JSON-schema validator checks types, required fields, enums
// and formats. It does not reject unknown fields (the schemas allow them), unlike kubeconform -strict.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { validate as lintDockerfile } from "dockerfile-utils";

const PACKAGES = {
  "cert-manager.io": "@kubernetes-models/cert-manager",
  "monitoring.coreos.com": "@kubernetes-models/prometheus-operator",
};

async function model(apiVersion, kind) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["", apiVersion];
  const pkg = PACKAGES[group] ?? "kubernetes-models";
  const path = group === "" ? `${pkg}/${version}` : `${pkg}/${group}/${version}`;
  let mod;
  try {
    mod = await import(path);
  } catch (e) {
    throw new Error(`no schema for apiVersion ${apiVersion} (${path})`);
  }
  if (typeof mod[kind] !== "function") throw new Error(`no schema for kind ${kind} in ${apiVersion}`);
  return mod[kind];
}

async function validateAll(objects, where) {
  const errors = [];
  for (const o of objects) {
    const name = `${o?.kind ?? "?"}/${o?.metadata?.name ?? "?"}`;
    try {
      if (!o || typeof o.apiVersion !== "string" || typeof o.kind !== "string") throw new Error("no apiVersion or kind");
      const Model = await model(o.apiVersion, o.kind);
      new Model(o).validate();
    } catch (e) {
      errors.push(`${where}: ${name}: ${e.message}`);
    }
  }
  return errors;
}

function parseYaml(text, where) {
  const docs = parseAllDocuments(text);
  const objects = [];
  for (const d of docs) {
    if (d.errors.length) throw new Error(`${where}: YAML: ${d.errors[0].message}`);
    const v = d.toJS();
    if (v !== null) objects.push(v);
  }
  return objects;
}

const [cmd, ...args] = process.argv.slice(2);
let errors = [];
if (cmd === "build") {
  const [kubectl, dir, out] = args;
  const text = execFileSync(kubectl, ["kustomize", dir], { encoding: "utf8" });
  const objects = parseYaml(text, dir);
  errors = await validateAll(objects, dir);
  writeFileSync(out, JSON.stringify(objects));
  if (!errors.length) console.log(`${dir}: ${objects.length} objects valid (${objects.map(o => o.kind).join(", ")})`);
} else if (cmd === "validate") {
  for (const f of args) {
    const objects = parseYaml(readFileSync(f, "utf8"), f);
    const e = await validateAll(objects, f);
    errors.push(...e);
    if (!e.length) console.log(`${f}: ${objects.length} objects valid`);
  }
} else if (cmd === "lint") {
  for (const f of args) {
    const problems = lintDockerfile(readFileSync(f, "utf8"));
    // severity 1 = error, 2 = warning (vscode-languageserver DiagnosticSeverity)
    for (const p of problems) {
      const line = `${f}:${p.range.start.line + 1}: ${p.severity === 1 ? "error" : "warning"}: ${p.message}`;
      if (p.severity === 1) errors.push(line); else console.log(line);
    }
    if (!problems.some(p => p.severity === 1)) console.log(`${f}: no errors`);
  }
} else {
  console.error("usage: node check.mjs build KUBECTL DIR OUT.json | validate FILE... | lint DOCKERFILE...");
  process.exit(2);
}
for (const e of errors) console.log("INVALID " + e);
process.exit(errors.length ? 1 : 0);
