// `npm install`'s preinstall: stops at once, in one line, on a Node too old to run our TypeScript
// sources (it would only fail later, at `npm start`). Plain ES5 CommonJS so any old Node runs it.
var engines = require("../package.json").engines.node;
var needed = Number(/\d+/.exec(engines)[0]);
var actual = Number(process.versions.node.split(".")[0]);
if (actual < needed) {
  console.error(
    "IzyBoost needs Node.js " +
      needed +
      " or newer (" +
      engines +
      "); this is Node " +
      process.versions.node +
      ". Install Node " +
      needed +
      " and run npm install again.",
  );
  process.exit(1);
}
