// Runs a Step Functions state machine definition (JSONata query language) the way the service steps through it, for
// the states our definitions use: Task (AWS SDK integrations, answered from the scenario), Choice, Wait (not waited),
// Succeed and Fail. Every {% ... %} expression is evaluated by the JSONata reference implementation, with the
// definition's variables and $states bound, and Assign evaluated against the values from before the state.
// Usage: node run.js scenario.json  (scenario: {definition, responses: {"service:api": [result, ...]}, input})
'use strict';
const fs = require('fs');
const jsonata = require('jsonata');

async function evaluate(template, bindings) {
  if (typeof template === 'string') {
    const match = /^\{%([\s\S]*)%\}$/.exec(template);
    if (!match) return template;
    return jsonata(match[1]).evaluate({}, bindings);
  }
  if (Array.isArray(template)) return Promise.all(template.map(item => evaluate(item, bindings)));
  if (template && typeof template === 'object') {
    const result = {};
    for (const [key, value] of Object.entries(template)) result[key] = await evaluate(value, bindings);
    return result;
  }
  return template;
}

async function run(scenario) {
  const { definition } = scenario;
  if (definition.QueryLanguage !== 'JSONata') throw new Error('only JSONata definitions are supported');
  const responses = Object.fromEntries(Object.entries(scenario.responses || {}).map(([api, list]) => [api, [...list]]));
  const variables = {};
  const calls = [];
  let input = scenario.input ?? {};
  let name = definition.StartAt;
  for (let transitions = 0; transitions < 1000; transitions++) {
    const state = definition.States[name];
    if (!state) throw new Error(`transition to missing state ${name}`);
    const states = { input, context: {} };
    let next;
    let result;
    switch (state.Type) {
      case 'Task': {
        const api = state.Resource.replace(/^arn:aws:states:::aws-sdk:/, '');
        const args = await evaluate(state.Arguments ?? {}, { ...variables, states });
        calls.push({ api, arguments: args });
        const queue = responses[api];
        if (!queue || queue.length === 0) throw new Error(`no response left for ${api} (state ${name})`);
        result = queue.length > 1 ? queue.shift() : queue[0];
        next = state.Next;
        break;
      }
      case 'Choice': {
        next = state.Default;
        for (const choice of state.Choices) {
          if (await evaluate(choice.Condition, { ...variables, states }) === true) { next = choice.Next; break; }
        }
        if (!next) throw new Error(`no choice matched in ${name} and it has no Default`);
        break;
      }
      case 'Wait':
        next = state.Next;
        break;
      case 'Succeed':
      case 'Fail':
        return { end: name, type: state.Type, calls, variables };
      default:
        throw new Error(`state type ${state.Type} is not supported (state ${name})`);
    }
    if (state.Assign) {
      const assigned = await evaluate(state.Assign, { ...variables, states: { ...states, result } });
      Object.assign(variables, assigned);
    }
    input = result ?? input;
    name = next;
    if (state.End) return { end: name, type: 'End', calls, variables };
  }
  throw new Error('more than 1000 transitions');
}

run(JSON.parse(fs.readFileSync(process.argv[2], 'utf8')))
  .then(outcome => process.stdout.write(JSON.stringify(outcome)))
  .catch(error => { process.stderr.write(`${error.message}\n`); process.exit(1); });
