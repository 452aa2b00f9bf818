import { command, query, type HandlerGroup } from '../../host/registry';
import { countDefinition, createSegment, deleteSegment, getSegment, listSegments, updateSegment } from './service';

export const segmentHandlers: HandlerGroup = {
  'segments.list': query((_input, { store }) => listSegments(store)),
  'segments.get': query((input, { store }) => getSegment(store, input.id)),
  'segments.count': query((input, { store }) => countDefinition(store, input.definition)),
  'segments.create': command((input, { store }) => createSegment(store, input)),
  'segments.update': command((input, { store }) => updateSegment(store, input)),
  'segments.delete': command((input, { store }) => deleteSegment(store, input.id)),
};
