/**
 * Lists the exports of src/ that no other file imports (`npm run lint:exports`); exit code 1 when
 * there are any. Imports are resolved by the TypeScript checker over the whole project (src, tests,
 * migrations, bench, scripts), so a re-export or a renamed import still counts as a use.
 */
import { dirname, join, relative } from "node:path";
import ts from "typescript";

const root = join(dirname(new URL(import.meta.url).pathname), "..");
const configPath = join(root, "tsconfig.json");
const parsed = ts.parseJsonConfigFileContent(ts.readConfigFile(configPath, ts.sys.readFile).config, ts.sys, root);
const program = ts.createProgram(parsed.fileNames, parsed.options);
const checker = program.getTypeChecker();
const ours = program.getSourceFiles().filter((f) => !f.isDeclarationFile && !f.fileName.includes("/node_modules/"));

/** The declaration a name stands for, through any chain of imports and re-exports. */
function original(symbol: ts.Symbol): ts.Symbol {
  return symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
}

/** Symbols used from another file, and modules whose every export counts as used (`import *`, `import()`). */
const used = new Set<ts.Symbol>();
const wholeModules = new Set<ts.Symbol>();
for (const file of ours) {
  const visit = (node: ts.Node): void => {
    if (ts.isImportSpecifier(node) || ts.isExportSpecifier(node) || ts.isImportClause(node)) {
      const symbol = node.name && checker.getSymbolAtLocation(node.name);
      if (symbol) used.add(original(symbol));
    }
    if (ts.isNamespaceImport(node) || ts.isNamespaceExport(node) || (ts.isExportDeclaration(node) && !node.exportClause && node.moduleSpecifier)) {
      const spec = ts.isExportDeclaration(node)
        ? node.moduleSpecifier
        : ts.isNamespaceImport(node)
          ? node.parent.parent.moduleSpecifier
          : node.parent.moduleSpecifier;
      const mod = spec && checker.getSymbolAtLocation(spec);
      if (mod) wholeModules.add(mod);
    }
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [spec] = node.arguments;
      const mod = spec && checker.getSymbolAtLocation(spec);
      if (mod) wholeModules.add(mod);
    }
    if (ts.isImportTypeNode(node)) {
      const symbol = node.qualifier && checker.getSymbolAtLocation(node.qualifier);
      if (symbol) used.add(original(symbol));
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
}

const dead: string[] = [];
for (const file of ours) {
  const path = relative(root, file.fileName);
  if (!path.startsWith("src/")) continue;
  const mod = checker.getSymbolAtLocation(file);
  if (!mod || wholeModules.has(mod)) continue;
  for (const exported of checker.getExportsOfModule(mod)) {
    if (used.has(original(exported))) continue;
    // Kysely's convention: every table interface of the Database type stays exported.
    if (path === "src/db/schema.ts" && exported.name.endsWith("Table")) continue;
    const decl = exported.declarations?.[0];
    const line = decl ? file.getLineAndCharacterOfPosition(decl.getStart()).line + 1 : 0;
    dead.push(`${path}:${line} ${exported.name}`);
  }
}

for (const d of dead) console.log(d);
if (dead.length) {
  console.error(`${dead.length} export(s) of src/ that no other file imports: remove them or drop the export keyword.`);
  process.exit(1);
}
