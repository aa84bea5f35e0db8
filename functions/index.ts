/**
 * The Azure Functions entry point (package.json `main`). Registers every durable function of the
 * registry with the host, and the triggers. No logic here: see ./triggers, ./orchestrations,
 * ./activities and shared/.
 *
 * Outside the Functions host @azure/functions runs in "test mode" and skips registrations
 * (docs/azure-behaviour.md §7.5), so importing this file elsewhere is harmless.
 */
import { app, type InvocationContext } from '@azure/functions';
import * as df from 'durable-functions';
import { registeredFunctions } from './catalog';
import { invocationLogger } from './invocationLog';
import { runtimeConfig, runtimeDeps } from './runtime';
import { EVENT_GRID_FUNCTION_NAME, handleEventGridDelivery } from './triggers/eventGrid';
import { getHealth, getReport, getRun, postRun } from './triggers/http';
import { startDriftCheck } from './triggers/timer';

const { activities, orchestrations, entities } = registeredFunctions();

for (const def of orchestrations.values()) {
  df.app.orchestration(def.name, function* (context) {
    return yield* def.body(context, context.df.getInput());
  });
}
for (const def of activities.values()) {
  df.app.activity(def.name, {
    // Each activity logs through its own invocation context (correlated in Application Insights).
    handler: (input: unknown, context: InvocationContext) =>
      def.handler(input, { ...runtimeDeps(), log: invocationLogger(context) }),
  });
}
for (const def of entities.values()) {
  df.app.entity(def.name, def.handler);
}

const client = df.input.durableClient();

app.eventGrid(EVENT_GRID_FUNCTION_NAME, {
  extraInputs: [client],
  handler: async (event, context) => {
    await handleEventGridDelivery(event, {
      client: df.getClient(context),
      mode: 'apply',
      log: invocationLogger(context),
    });
  },
});

app.http('runsPost', {
  route: 'runs',
  methods: ['POST'],
  authLevel: 'function',
  extraInputs: [client],
  handler: (request, context) =>
    postRun(request, { client: df.getClient(context), log: invocationLogger(context) }),
});
app.http('runsGet', {
  route: 'runs/{id}',
  methods: ['GET'],
  authLevel: 'function',
  extraInputs: [client],
  handler: (request, context) =>
    getRun(request, { client: df.getClient(context), log: invocationLogger(context) }),
});
app.http('report', {
  route: 'report',
  methods: ['GET'],
  authLevel: 'function',
  extraInputs: [client],
  handler: (request, context) =>
    getReport(request, {
      client: df.getClient(context),
      log: invocationLogger(context),
      reports: runtimeDeps().reports,
    }),
});
app.http('health', {
  route: 'health',
  methods: ['GET'],
  authLevel: 'anonymous',
  handler: () => Promise.resolve(getHealth()),
});

app.timer('fedlinkDrift', {
  schedule: runtimeConfig().drift.schedule,
  extraInputs: [client],
  handler: async (_timer, context) => {
    await startDriftCheck(df.getClient(context), runtimeConfig(), invocationLogger(context));
  },
});
