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
import { runtimeConfig, runtimeConfigStatus, runtimeDeps } from './runtime';
import { EVENT_GRID_FUNCTION_NAME, handleEventGridDelivery } from './triggers/eventGrid';
import { API_ROUTES } from './triggers/httpRoutes';
import { startDriftCheck } from './triggers/timer';

// GET /api/report?full=true answers with a stream; without this the library reads it whole into one
// buffer before handing it to the host (docs/azure-behaviour.md §7.7). Must precede every registration.
app.setup({ enableHttpStream: true });

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

for (const route of API_ROUTES) {
  app.http(route.name, {
    route: route.route,
    methods: [route.method],
    authLevel: route.authLevel,
    extraInputs: [client],
    handler: (request, context) =>
      route.handler(request, {
        client: df.getClient(context),
        log: invocationLogger(context),
        // A config that did not load is what /api/health reports; building the deps would throw.
        reports: runtimeConfigStatus().loaded ? runtimeDeps().reports : undefined,
        configStatus: runtimeConfigStatus,
      }),
  });
}

app.timer('fedlinkDrift', {
  schedule: runtimeConfig().drift.schedule,
  extraInputs: [client],
  handler: async (_timer, context) => {
    await startDriftCheck(df.getClient(context), runtimeConfig(), invocationLogger(context));
  },
});
