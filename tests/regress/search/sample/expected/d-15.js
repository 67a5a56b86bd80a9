morgueSearch.load("d-15","ix4NYNoGcCwA",2);
