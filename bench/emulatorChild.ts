/**
 * The emulator's process of one measurement (bench/measure.ts starts it): generates the fleet here, so its
 * estate never exists in the measured worker process, serves it, and hands the worker the fleet's figures
 * (its config, counts and expected changes).
 */
import { serveEmulatorProcess } from '../sandbox/emulator/process';
import { type FleetOptions, generateFleet } from './fleet';

serveEmulatorProcess((args) => {
  const { estate, ...figures } = generateFleet(args as FleetOptions);
  return { estate, extra: figures };
});
