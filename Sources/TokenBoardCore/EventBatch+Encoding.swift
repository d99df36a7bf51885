extension EventBatch {
    /// The fewest bytes the protocol's encoding of a batch takes (TokenBoardWire's `EventBatch+Wire`): the counts
    /// of its four string tables and of its events, a u32 each.
    @inlinable public static var encodedMinimumSize: Int { 5 * 4 }
    /// The size of one event record in that encoding. Both sizes live here rather than in the codec because the
    /// sharded log's reader, which does not import the wire module, checks its blocks against them too. Inlinable,
    /// so the decode loops see constants.
    @inlinable public static var encodedEventSize: Int { 60 }
}
