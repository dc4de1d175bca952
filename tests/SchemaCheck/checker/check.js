#!/usr/bin/env node
// Type-checks TypeScript modules generated from Pulumi YAML programs, all in ONE compiler program
// (the @pulumi/aws declarations take seconds to load, so they are loaded once).
//
// Usage: node check.js [--json RESULT.json] FILE.ts...
// Prints tsc-style lines to stderr, writes the machine-readable result to RESULT.json (or stdout),
// and exits 1 when any file has an error, 2 on a usage or internal error.
"use strict";

const fs = require("fs");
const path = require("path");
const ts = require("typescript");

// Suggestion diagnostics that the check treats as errors: '{0}' is deprecated / the signature is deprecated.
const DEPRECATION_CODES = new Set([6385, 6387]);
const DEPRECATED_INPUT_CODE = 6385;
const BUILTINS_FILE = path.join(__dirname, "yaml-builtins.d.ts");

const COMPILER_OPTIONS = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.Node16,
    moduleResolution: ts.ModuleResolutionKind.Node16,
    types: [],
    lib: ["lib.es2022.d.ts"],
};

function parseArguments(argv) {
    const files = [];
    let jsonOut;
    for (let i = 0; i < argv.length; i++) {
        if (argv[i] === "--json") {
            jsonOut = argv[++i];
            if (!jsonOut) throw new Error("--json needs a file name");
        } else {
            files.push(path.resolve(argv[i]));
        }
    }
    if (files.length === 0) throw new Error("usage: node check.js [--json RESULT.json] FILE.ts...");
    return { files, jsonOut };
}

function createLanguageService(rootFiles) {
    const host = {
        getScriptFileNames: () => rootFiles,
        getScriptVersion: () => "1",
        getScriptSnapshot: (file) => {
            const text = ts.sys.readFile(file);
            return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
        },
        getCurrentDirectory: () => process.cwd(),
        getCompilationSettings: () => COMPILER_OPTIONS,
        getDefaultLibFileName: (options) => ts.getDefaultLibFilePath(options),
        fileExists: ts.sys.fileExists,
        readFile: ts.sys.readFile,
        readDirectory: ts.sys.readDirectory,
        directoryExists: ts.sys.directoryExists,
        getDirectories: ts.sys.getDirectories,
    };
    return ts.createLanguageService(host, ts.createDocumentRegistry());
}

function deprecatedTagText(tags) {
    const tag = tags.find((t) => t.name === "deprecated");
    if (!tag) return undefined;
    return ts.displayPartsToString(tag.text || []).trim();
}

function symbolDeprecation(checker, symbol) {
    if (!symbol) return undefined;
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    return deprecatedTagText(target.getJsDocTags(checker));
}

function innermostNode(sourceFile, position) {
    let found = sourceFile;
    const visit = (node) => {
        if (position >= node.getStart(sourceFile) && position < node.getEnd()) {
            found = node;
            ts.forEachChild(node, visit);
        }
    };
    ts.forEachChild(sourceFile, visit);
    return found;
}

// The @deprecated text behind a 6385/6387 suggestion, so the report says what to use instead.
function deprecationDetail(checker, sourceFile, start) {
    const node = innermostNode(sourceFile, start);
    const fromSymbol = symbolDeprecation(checker, checker.getSymbolAtLocation(node));
    if (fromSymbol) return fromSymbol;
    const call = ts.findAncestor(node, (n) => ts.isNewExpression(n) || ts.isCallExpression(n));
    if (!call) return undefined;
    const signature = checker.getResolvedSignature(call);
    return signature ? deprecatedTagText(signature.getJsDocTags()) : undefined;
}

// TypeScript does not flag a deprecated property that is set in an object literal, so look each one up
// in the literal's contextual type (for Input<T>, in each member of the union).
function deprecatedInputs(checker, sourceFile) {
    const found = [];
    const visit = (node) => {
        if (ts.isObjectLiteralExpression(node)) {
            const contextual = checker.getContextualType(node);
            if (contextual) {
                const candidates = contextual.isUnion() ? contextual.types : [contextual];
                for (const property of node.properties) {
                    if (!ts.isPropertyAssignment(property) || !property.name) continue;
                    const name = ts.isIdentifier(property.name) || ts.isStringLiteral(property.name) ? property.name.text : undefined;
                    if (name === undefined) continue;
                    const detail = candidates
                        .map((type) => symbolDeprecation(checker, checker.getPropertyOfType(type, name)))
                        .find((text) => text !== undefined);
                    if (detail !== undefined) {
                        found.push({
                            start: property.name.getStart(sourceFile),
                            length: property.name.getWidth(sourceFile),
                            code: DEPRECATED_INPUT_CODE,
                            message: `'${name}' is deprecated. ${detail}`,
                        });
                    }
                }
            }
        }
        ts.forEachChild(node, visit);
    };
    visit(sourceFile);
    return found;
}

// The type token a generated `new X(...)` or `fOutput(...)` resolves to: the implementation file of the
// declaration carries `static __pulumiType = '...'` (resources) or `invoke("...")` (functions).
function createTokenReader() {
    const cache = new Map();
    return (declarationFile) => {
        if (!declarationFile.endsWith(".d.ts")) return undefined;
        const jsFile = declarationFile.slice(0, -".d.ts".length) + ".js";
        if (!cache.has(jsFile)) {
            const text = ts.sys.readFile(jsFile) || "";
            const match = /static __pulumiType = ['"]([^'"]+)['"]/.exec(text) || /\.invoke(?:Single)?(?:Output)?\(['"]([^'"]+)['"]/.exec(text);
            cache.set(jsFile, match ? match[1] : undefined);
        }
        return cache.get(jsFile);
    };
}

function resolvedTokens(checker, sourceFile, readToken) {
    const found = [];
    const visit = (node) => {
        if (ts.isNewExpression(node) || ts.isCallExpression(node)) {
            const declaration = checker.getResolvedSignature(node)?.declaration;
            const token = declaration && readToken(declaration.getSourceFile().fileName);
            if (token !== undefined) {
                const isProvider = ts.isNewExpression(node) && /\/provider\.d\.ts$/.test(declaration.getSourceFile().fileName);
                found.push({ start: node.expression.getStart(sourceFile), token: isProvider ? `pulumi:providers:${token}` : token });
            }
        }
        ts.forEachChild(node, visit);
    };
    visit(sourceFile);
    return found;
}

function toReported(sourceFile, d) {
    const { line, character } = ts.getLineAndCharacterOfPosition(sourceFile, d.start);
    return { ...d, line: line + 1, column: character + 1 };
}

function checkFile(service, checker, readToken, file) {
    const sourceFile = service.getProgram().getSourceFile(file);
    if (!sourceFile) throw new Error(`not part of the program: ${file}`);
    const compilerDiagnostics = [
        ...service.getSyntacticDiagnostics(file),
        ...service.getSemanticDiagnostics(file),
        ...service.getSuggestionDiagnostics(file).filter((d) => DEPRECATION_CODES.has(d.code)),
    ].map((d) => {
        // import("/abs/.../node_modules/@pulumi/aws/s3/index") reads better as import("@pulumi/aws/s3/index").
        const message = ts.flattenDiagnosticMessageText(d.messageText, "\n").replace(/import\("[^"]*\/node_modules\//g, 'import("');
        const detail = DEPRECATION_CODES.has(d.code) ? deprecationDetail(checker, sourceFile, d.start) : undefined;
        return { start: d.start ?? 0, length: d.length ?? 0, code: d.code, message: detail ? `${message} ${detail}` : message };
    });
    const seen = new Set(compilerDiagnostics.map((d) => `${d.start}:${d.code}`));
    const extra = deprecatedInputs(checker, sourceFile).filter((d) => !seen.has(`${d.start}:${d.code}`));
    return {
        file,
        diagnostics: [...compilerDiagnostics, ...extra].sort((a, b) => a.start - b.start).map((d) => toReported(sourceFile, d)),
        tokens: resolvedTokens(checker, sourceFile, readToken),
    };
}

function main() {
    const { files, jsonOut } = parseArguments(process.argv.slice(2));
    const started = Date.now();
    const service = createLanguageService([BUILTINS_FILE, ...files]);
    const program = service.getProgram();
    const checker = program.getTypeChecker();
    const programMs = Date.now() - started;

    const readToken = createTokenReader();
    const globalDiagnostics = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()]
        .map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
    const results = files.map((file) => checkFile(service, checker, readToken, file));
    const result = {
        typescript: ts.version,
        sourceFiles: program.getSourceFiles().length,
        programMs,
        checkMs: Date.now() - started - programMs,
        globalDiagnostics,
        files: results,
    };

    for (const message of globalDiagnostics) process.stderr.write(`error: ${message}\n`);
    for (const r of results) {
        for (const d of r.diagnostics) process.stderr.write(`${r.file}(${d.line},${d.column}): error TS${d.code}: ${d.message}\n`);
    }
    const json = JSON.stringify(result, null, 2);
    if (jsonOut) fs.writeFileSync(jsonOut, json);
    else process.stdout.write(json + "\n");

    const failed = globalDiagnostics.length > 0 || results.some((r) => r.diagnostics.length > 0);
    process.exitCode = failed ? 1 : 0;
}

try {
    main();
} catch (error) {
    process.stderr.write(`schema check failed to run: ${error && error.stack ? error.stack : error}\n`);
    process.exitCode = 2;
}
