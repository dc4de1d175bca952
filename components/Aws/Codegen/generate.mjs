// Generates the typed C# resource classes in ../Generated from the provider's own schema: the
// TypeScript declarations of the pinned @pulumi/aws and @pulumi/awsx npm packages (the same
// copies the schema check in tests/SchemaCheck installs). Run from anywhere:
//   node components/Aws/Codegen/generate.mjs          (writes ../Generated)
//   node components/Aws/Codegen/generate.mjs --check  (exit 1 if ../Generated is stale)
// Deprecated resources are refused and deprecated inputs are left out, so generated code can
// only express what `pulumi preview` accepts without warnings.
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "../../..");
const schemaCheck = path.join(root, "tests/SchemaCheck");
if (!fs.existsSync(path.join(schemaCheck, "node_modules/@pulumi/aws"))) {
  console.error("run `npm ci` in tests/SchemaCheck first: the generator reads the same pinned packages");
  process.exit(2);
}
const require = createRequire(path.join(schemaCheck, "package.json"));
const ts = require("typescript");
const packages = {
  aws: { dir: path.dirname(require.resolve("@pulumi/aws/package.json")), namespace: "Infra.Aws" },
  awsx: { dir: path.dirname(require.resolve("@pulumi/awsx/package.json")), namespace: "Infra.Awsx" },
};
for (const p of Object.values(packages)) p.version = JSON.parse(fs.readFileSync(path.join(p.dir, "package.json"))).version;

// Nested input types beyond this depth are typed as plain objects (anonymous objects or
// dictionaries in C#); the schema check still verifies them. WAF rule statements nest without end.
const MAX_DEPTH = 7;
const MODULE_NAMES = {
  kms: "Kms", s3: "S3", iam: "Iam", cloudwatch: "CloudWatch", lambda: "Lambda", appautoscaling: "AppAutoScaling",
  sns: "Sns", sqs: "Sqs", dynamodb: "DynamoDB", wafv2: "WafV2", apigateway: "ApiGateway", budgets: "Budgets",
  costexplorer: "CostExplorer", cloudtrail: "CloudTrail", ecr: "Ecr", sfn: "Sfn", codedeploy: "CodeDeploy", ec2: "Ec2", elasticache: "ElastiCache",
  sagemaker: "SageMaker", batch: "Batch",
};
// Base members of our classes (apigateway has a resource called Resource, so base types are
// always written fully qualified).
const CORE = "global::Infra.Core.";
const OBJECT_MEMBERS = new Set(["Equals", "GetHashCode", "ToString", "GetType", "ToProgramValue"]);
const RESERVED = new Set(["Id", "Urn", "TypeToken", "PulumiType", "LogicalName", "LocalName", "Scope", "Args", "Options", "GetOutput", "ToString", "Equals", "GetHashCode", "GetType"]);

const wanted = JSON.parse(fs.readFileSync(path.join(here, "resources.json"), "utf8"));
const files = [];
for (const [pkg, entries] of Object.entries(wanted)) {
  if (!packages[pkg]) continue;
  for (const entry of entries) {
    const [module, cls] = entry.split(".");
    files.push({ pkg, module, cls, file: path.join(packages[pkg].dir, module, lowerFirst(cls) + ".d.ts") });
  }
}
const program = ts.createProgram(files.map(f => f.file), { strict: true, noEmit: true, skipLibCheck: true, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext });
const checker = program.getTypeChecker();

const modules = new Map(); // "aws.s3" -> { namespace, classes: Map<name, text> }
const nestedNames = new Map(); // declaration -> C# name

for (const f of files) generateResource(f);
writeOutput();

function generateResource({ pkg, module, cls, file }) {
  const source = program.getSourceFile(file) ?? fail(`${pkg}.${module}.${cls}: no declaration file ${file}`);
  const classDecl = source.statements.find(s => ts.isClassDeclaration(s) && s.name?.text === cls) ?? fail(`${pkg}.${module}.${cls}: class not found`);
  if (isDeprecated(classDecl)) fail(`${pkg}.${module}.${cls} is deprecated in the provider; use its replacement`);
  const argsDecl = source.statements.find(s => ts.isInterfaceDeclaration(s) && s.name.text === `${cls}Args`) ?? fail(`${cls}Args not found`);
  const js = fs.readFileSync(file.replace(/\.d\.ts$/, ".js"), "utf8");
  const token = /__pulumiType = '([^']+)'/.exec(js)?.[1] ?? fail(`${cls}: no type token in ${file}`);
  const target = moduleOf(pkg, module);
  const argsName = `${cls}Args`;
  target.reserved.add(argsName);

  const props = inputProperties(argsDecl, pkg, 1);
  const taggable = props.some(p => p.name === "tags" && p.type.kind === "map");
  const outputs = classDecl.members
    .filter(m => ts.isPropertyDeclaration(m) && m.modifiers?.some(x => x.kind === ts.SyntaxKind.ReadonlyKeyword) && !isDeprecated(m))
    .filter(m => !m.modifiers?.some(x => x.kind === ts.SyntaxKind.StaticKeyword))
    .map(m => ({ name: m.name.getText(), type: outputType(m.type) }))
    .filter(o => o.type && !["id", "urn"].includes(o.name));

  const lines = [];
  lines.push(`/// <summary><c>${token}</c></summary>`);
  lines.push(`public sealed partial class ${cls}(${CORE}IScope scope, string name, ${argsName} args, ${CORE}CustomResourceOptions? options = null)`);
  lines.push(`    : ${CORE}CustomResource(PulumiType, scope, name, args, options)`);
  lines.push(`{`);
  lines.push(`    /// <summary>The provider's type token for this resource, the one the program emits.</summary>`);
  lines.push(`    public const string PulumiType = "${token}";`);
  lines.push(``);
  for (const o of outputs) {
    lines.push(`    public Output<${o.type}> ${memberName(o.name, cls)} => GetOutput<${o.type}>("${o.name}");`);
    lines.push(``);
  }
  trimBlank(lines);
  lines.push(`}`);
  lines.push(``);
  lines.push(...argsClass(argsName, props, taggable));
  target.classes.set(cls, lines.join("\n"));
}

function inputProperties(decl, pkg, depth) {
  return decl.members
    .filter(m => ts.isPropertySignature(m) && m.type && !isDeprecated(m) && ts.isIdentifier(m.name))
    .map(m => ({ name: m.name.text, required: !m.questionToken, type: mapType(m.type, pkg, depth) }));
}

function argsClass(name, props, taggable) {
  const lines = [`public sealed partial class ${name} : ${CORE}ResourceArgs${taggable ? `, ${CORE}ITaggableArgs` : ""}`, `{`];
  for (const p of props) {
    const type = csharpType(p.type);
    const required = p.required ? "required " : "";
    const nullable = p.required ? "" : "?";
    lines.push(`    [Input("${p.name}")] public ${required}${type}${nullable} ${argsMemberName(p.name, name)} { get; set; }`);
    lines.push(``);
  }
  trimBlank(lines);
  lines.push(`}`);
  return lines;
}

// Maps a declared TypeScript type to a descriptor: string | number | bool | object | archive | asset | list | map | nested.
function mapType(node, pkg, depth) {
  switch (node.kind) {
    case ts.SyntaxKind.StringKeyword: return { kind: "string" };
    case ts.SyntaxKind.NumberKeyword: return { kind: "number" };
    case ts.SyntaxKind.BooleanKeyword: return { kind: "bool" };
    case ts.SyntaxKind.AnyKeyword: return { kind: "object" };
    case ts.SyntaxKind.LiteralType: return { kind: ts.isStringLiteral(node.literal) ? "string" : "object" };
    case ts.SyntaxKind.ParenthesizedType: return mapType(node.type, pkg, depth);
    case ts.SyntaxKind.ArrayType: return { kind: "list", item: mapType(node.elementType, pkg, depth) };
    case ts.SyntaxKind.TypeLiteral: {
      const index = node.members.find(ts.isIndexSignatureDeclaration);
      return index ? { kind: "map", item: mapType(index.type, pkg, depth) } : { kind: "object" };
    }
    case ts.SyntaxKind.UnionType: {
      const members = node.types.filter(t => t.kind !== ts.SyntaxKind.UndefinedKeyword && !(ts.isLiteralTypeNode(t) && t.literal.kind === ts.SyntaxKind.NullKeyword));
      // A string alternative wins (ARNs, JSON documents, enum values): no need to map the rest.
      if (members.some(t => t.kind === ts.SyntaxKind.StringKeyword)) return { kind: "string" };
      const mapped = members.map(t => mapType(t, pkg, depth));
      if (mapped.length === 1) return mapped[0];
      if (mapped.some(m => m.kind === "string")) return { kind: "string" };
      if (mapped.every(m => m.kind === mapped[0].kind && m.kind !== "nested" && m.kind !== "list" && m.kind !== "map")) return mapped[0];
      return { kind: "object" };
    }
    case ts.SyntaxKind.TypeReference: {
      const name = node.typeName.getText();
      if (name === "pulumi.Input" || name === "Promise") return mapType(node.typeArguments[0], pkg, depth);
      if (name === "pulumi.asset.Archive") return { kind: "archive" };
      if (name === "pulumi.asset.Asset") return { kind: "asset" };
      if (name.startsWith("enums.")) return { kind: "string" };
      if (name.startsWith("inputs.")) return depth >= MAX_DEPTH ? { kind: "object" } : nested(node, pkg, depth);
      // A reference to another resource class: YAML passes its name or ARN as a string.
      const declarations = checker.getSymbolAtLocation(node.typeName)?.declarations ?? [];
      return declarations.some(ts.isClassDeclaration) ? { kind: "string" } : { kind: "object" };
    }
    default:
      return { kind: "object" };
  }
}

function nested(node, pkg, depth) {
  const symbol = checker.getSymbolAtLocation(node.typeName);
  const decl = symbol?.declarations?.find(ts.isInterfaceDeclaration);
  if (!decl) return { kind: "object" };
  const module = enclosingNamespace(decl);
  const target = moduleOf(pkg, module);
  let csName = nestedNames.get(decl);
  if (!csName) {
    csName = `${decl.name.text}Args`;
    while (target.reserved.has(csName) || target.classes.has(csName)) csName = csName.replace(/Args$/, "InputArgs");
    nestedNames.set(decl, csName);
    target.classes.set(csName, "pending");
    const props = inputProperties(decl, pkg, depth + 1);
    target.classes.set(csName, argsClass(csName, props, false).join("\n"));
  }
  return { kind: "nested", name: csName, namespace: target.namespace };
}

function outputType(node) {
  if (!node || !ts.isTypeReferenceNode(node) || node.typeName.getText() !== "pulumi.Output") return null;
  const mapped = mapType(node.typeArguments[0], "aws", MAX_DEPTH);
  return { string: "string", number: "double", bool: "bool" }[mapped.kind]
    ?? (mapped.kind === "list" && mapped.item.kind === "string" ? "IReadOnlyList<string>" : null);
}

function csharpType(t) {
  switch (t.kind) {
    case "string": return "Input<string>";
    case "number": return "Input<double>";
    case "bool": return "Input<bool>";
    case "archive": return "Input<Archive>";
    case "asset": return "Input<Asset>";
    case "object": return "object";
    case "nested": return t.name;
    case "list": return `InputList<${elementType(t.item)}>`;
    case "map": return `InputMap<${elementType(t.item)}>`;
  }
  throw new Error(`unknown kind ${t.kind}`);
}

function elementType(t) {
  return { string: "string", number: "double", bool: "bool", nested: t.name, archive: "Archive", asset: "Asset" }[t.kind] ?? "object";
}

function moduleOf(pkg, module) {
  const key = `${pkg}.${module}`;
  if (!modules.has(key)) {
    modules.set(key, { pkg, module, namespace: `${packages[pkg].namespace}.${MODULE_NAMES[module] ?? pascal(module)}`, classes: new Map(), reserved: new Set() });
  }
  return modules.get(key);
}

function enclosingNamespace(decl) {
  for (let n = decl.parent; n; n = n.parent) if (ts.isModuleDeclaration(n)) return n.name.text;
  fail(`no namespace for ${decl.name.text}`);
}

function writeOutput() {
  const outDir = path.join(root, "components/Aws/Generated");
  const generated = new Map();
  let count = 0;
  for (const m of [...modules.values()].sort((a, b) => a.namespace.localeCompare(b.namespace))) {
    const header = [
      `// <auto-generated>`,
      `// Generated by components/Aws/Codegen/generate.mjs from the type declarations of @pulumi/${m.pkg} ${packages[m.pkg].version}.`,
      `// Do not edit: change resources.json and run the generator again.`,
      `// </auto-generated>`,
      `#nullable enable`,
      `using Infra.Core;`,
      ``,
      `namespace ${m.namespace};`,
      ``,
    ];
    const body = [...m.classes.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, text]) => text);
    count += body.length;
    generated.set(`${m.namespace.split(".").slice(1).join(".")}.g.cs`, header.join("\n") + "\n" + body.join("\n\n") + "\n");
  }

  if (process.argv.includes("--check")) {
    const existing = fs.existsSync(outDir) ? fs.readdirSync(outDir) : [];
    const stale = [...new Set([...existing, ...generated.keys()])]
      .filter(f => !generated.has(f) || !existing.includes(f) || fs.readFileSync(path.join(outDir, f), "utf8") !== generated.get(f));
    if (stale.length > 0) fail(`components/Aws/Generated is stale (${stale.join(", ")}): run node components/Aws/Codegen/generate.mjs`);
    console.error(`components/Aws/Generated is current (${count} classes)`);
    return;
  }

  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  for (const [file, text] of generated) fs.writeFileSync(path.join(outDir, file), text);
  console.error(`generated ${count} classes in ${generated.size} files under components/Aws/Generated`);
}

function memberName(name, cls) {
  const p = pascal(name);
  if (p === cls) return cls + "Name";
  if (p === "Name") return cls + "Name";
  return RESERVED.has(p) ? p + "Value" : p;
}

function argsMemberName(name, cls) {
  const p = pascal(name);
  return p === cls || OBJECT_MEMBERS.has(p) ? p + "Value" : p;
}

function isDeprecated(node) {
  return ts.getJSDocTags(node).some(t => t.tagName.text === "deprecated");
}

function pascal(s) { return s.charAt(0).toUpperCase() + s.slice(1); }
function lowerFirst(s) { return s.charAt(0).toLowerCase() + s.slice(1); }
function trimBlank(lines) { while (lines.length && lines[lines.length - 1] === "") lines.pop(); }
function fail(message) { console.error(`generate: ${message}`); process.exit(1); }
