// The admin console over the JSON API, one module per view (compiled by tsc, loaded by the browser as ES
// modules from /console/). The answers' types come from @ripio-webhooks/contracts (erased at compile time), so a
// change of the API's shape fails the console's typecheck. Every value from the server is written with
// textContent (never innerHTML), so payloads and error messages cannot inject markup.
import { refreshCounters } from './counters.js';
import { loadDeadLetters, wireDeadLetters } from './dead-letters.js';
import { $, input } from './dom.js';
import { lookUpEntity } from './entity-view.js';
import { refreshProcessing, wireProcessing } from './processing.js';

const REFRESH_MS = 5000;

function openFromHash(): void {
  const match = /^#entity\/([^/]+)\/(.+)$/.exec(window.location.hash);
  if (!match?.[1] || !match[2]) return;
  input('entity-kind').value = decodeURIComponent(match[1]);
  input('entity-id').value = decodeURIComponent(match[2]);
  $<HTMLFormElement>('entity-form').requestSubmit();
}

function start(): void {
  $('entity-form').addEventListener('submit', (event) => void lookUpEntity(event));
  wireDeadLetters();
  wireProcessing();
  void refreshCounters();
  void refreshProcessing();
  void loadDeadLetters(false);
  openFromHash();
  setInterval(() => void refreshCounters(), REFRESH_MS);
  setInterval(() => void refreshProcessing(), REFRESH_MS);
}

// A module script runs after the document is parsed (it is deferred), so the elements exist.
start();
