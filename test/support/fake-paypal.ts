// PayPal's postback endpoint, played by a recording server.
import {
  type RecordingServer,
  type Responder,
  type ScriptedAnswer,
  startRecordingServer,
} from './recording-server';

export type FakePaypal = RecordingServer;

export const answer = {
  verified: (): ScriptedAnswer => ({ status: 200, body: 'VERIFIED' }),
  invalid: (): ScriptedAnswer => ({ status: 200, body: 'INVALID' }),
  serverError: (): ScriptedAnswer => ({ status: 500, body: '<html><body>Fatal Failure <br></body></html>' }),
};

export function startFakePaypal(responder: Responder = () => answer.verified()): Promise<FakePaypal> {
  return startRecordingServer(responder, '/cgi-bin/webscr');
}
