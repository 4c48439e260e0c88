import CCurl

/// curl's write and header callbacks: C function pointers, so they capture nothing and find their `Transfer`
/// through the userdata pointer the loop set (CURLOPT_WRITEDATA, CURLOPT_HEADERDATA). An idle handle has that
/// pointer cleared, and a nil userdata refuses the bytes.
/// - SeeAlso: <https://curl.se/libcurl/c/CURLOPT_WRITEFUNCTION.html>
let writeCallback: curl_write_callback = { data, size, count, userdata in
    guard let userdata, let data else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
    return transfer.receive(UnsafeRawBufferPointer(start: data, count: size * count))
}

let headerCallback: curl_write_callback = { data, size, count, userdata in
    guard let userdata, let data else { return 0 }
    let transfer = Unmanaged<Transfer>.fromOpaque(userdata).takeUnretainedValue()
    transfer.header(UnsafeRawBufferPointer(start: data, count: size * count))
    return size * count
}
