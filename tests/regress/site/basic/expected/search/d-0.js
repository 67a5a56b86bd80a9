morgueSearch.load("d-0",{"zd":"SjvLyBJv1Y!!"});
