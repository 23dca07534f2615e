// TypeScript, loaded with require: importing the 9 MB CommonJS file from ESM makes Node scan it
// for named exports first (about half a second of every cold build).
import ts = require("typescript");
export = ts;
